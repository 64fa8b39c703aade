import { useState } from "react";
import type { ThreadCalibrationResult } from "../../../../shared/api/contract";
import { type ApiError, toApiError } from "../../../../shared/errors";
import { calibrateThreads } from "../../state/settingsActions";
import { ErrorBanner } from "../../ui/ErrorBanner";

/** "Measure threads": generation speed for each thread count; the fastest is kept for this model. */
export function ThreadCalibration({ disabled }: Readonly<{ disabled: boolean }>) {
  const [result, setResult] = useState<ThreadCalibrationResult | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function measure() {
    setBusy(true);
    setError(null);
    try {
      setResult(await calibrateThreads());
    } catch (caught) {
      setError(toApiError(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="calibration">
      <div className="calibration-row">
        <button
          type="button"
          className="btn"
          data-testid="calibrate-button"
          disabled={disabled || busy}
          onClick={() => void measure()}
        >
          {busy ? "Measuring…" : "Measure threads"}
        </button>
        <span className="field-hint">Times a short generation with each thread count (a few seconds)</span>
      </div>
      {result ? (
        <table className="calibration-results" data-testid="calibration-results">
          <caption>
            Fastest: {result.best} {result.best === 1 ? "thread" : "threads"} · now using {result.threads}
            {result.threads !== result.best ? " (set in CPU threads below; 0 uses the fastest)" : ""}
          </caption>
          <thead>
            <tr>
              <th scope="col">Threads</th>
              <th scope="col">Tokens/s</th>
            </tr>
          </thead>
          <tbody>
            {result.results.map((r) => (
              <tr key={r.threads} aria-current={r.threads === result.best ? "true" : undefined}>
                <td>{r.threads}</td>
                <td>{r.tokensPerSecond.toFixed(1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {error ? <ErrorBanner error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
