import { useEffect, useState } from "react";
import { refreshBackends, reportBackendError, switchBackend, useBackends } from "../../state/backendActions";

/** Header switch: where replies are generated (this machine or a remote server). Hidden until a remote backend exists. */
export function BackendSwitch() {
  const backends = useBackends((s) => s.backends);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    refreshBackends().catch(reportBackendError);
  }, []);

  if (backends.length < 2) return null;
  const active = backends.find((b) => b.active)?.name ?? "local";
  return (
    <label className="backend-switch">
      <span className="visually-hidden">Backend</span>
      <select
        data-testid="backend-switch"
        value={active}
        disabled={busy}
        title="Where replies are generated"
        onChange={(event) => {
          setBusy(true);
          switchBackend(event.target.value)
            .catch(reportBackendError)
            .finally(() => setBusy(false));
        }}
      >
        {backends.map((b) => (
          <option key={b.name} value={b.name}>
            {b.kind === "local" ? "This machine" : `${b.name} (${b.kind})`}
          </option>
        ))}
      </select>
    </label>
  );
}
