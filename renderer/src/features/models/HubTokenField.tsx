import { type FormEvent, useEffect, useState } from "react";
import type { HubTokenStatus } from "../../../../shared/domain/modelLibrary";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { api } from "../../bridge";
import { ErrorBanner } from "../../ui/ErrorBanner";

const SOURCES: Record<HubTokenStatus["source"], string> = {
  env: "A token is set in the environment (HF_TOKEN).",
  stored: "A token is stored, encrypted by the system keychain.",
  none: "No token: public repositories only.",
};

/** The hub access token for gated repositories: where it comes from, and (desktop app) storing one. */
export function HubTokenField() {
  const [status, setStatus] = useState<HubTokenStatus | null>(null);
  const [token, setToken] = useState("");
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    api
      .call("models.tokenStatus", {})
      .then(setStatus)
      .catch((caught: unknown) => setError(toApiError(caught)));
  }, []);

  async function store(value: string | null, event?: FormEvent) {
    event?.preventDefault();
    setError(null);
    try {
      setStatus(await api.call("models.setToken", { token: value }));
      setToken("");
    } catch (caught) {
      setError(toApiError(caught));
    }
  }

  if (!status) return error ? <ErrorBanner error={error} /> : null;
  return (
    <section className="hub-token" aria-label="Hub access token">
      <p className="muted">{SOURCES[status.source]}</p>
      {status.canStore && status.source !== "env" ? (
        <form className="model-add-row" onSubmit={(event) => void store(token.trim(), event)}>
          <label className="field grow">
            <span className="field-label">Access token for gated repositories</span>
            <input
              type="password"
              value={token}
              onChange={(event) => setToken(event.target.value)}
              placeholder="hf_…"
              autoComplete="off"
            />
          </label>
          <button type="submit" className="btn" disabled={token.trim() === ""}>
            Store
          </button>
          {status.source === "stored" ? (
            <button type="button" className="btn" onClick={() => void store(null)}>
              Forget
            </button>
          ) : null}
        </form>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
    </section>
  );
}
