import type { ApiError } from "../../../shared/errors";
import "./ui.css";

/** What the user can do about the common errors, shown under the core's own message. */
const HINTS: Partial<Record<ApiError["code"], string>> = {
  MODEL_NOT_SET: "Open Settings (gear button) and load a GGUF model file.",
  MODEL_INVALID: "Check that the path points to a readable .gguf file.",
  MODEL_TOO_LARGE: "Pick a smaller model or a smaller context size.",
  CONTEXT_OVERFLOW: "Shorten the message or raise the context size in Settings.",
  BUSY: "Wait for the current reply to finish, or stop it.",
  UNAUTHORIZED: "Open the URL printed by `npm run web` again.",
  BACKEND_UNAVAILABLE: "Check that the server is running, or switch to this machine in Settings → Backend.",
  BACKEND_ERROR:
    "The server's own message is above; check the backend's URL, model and key in Settings → Backend.",
};

export function ErrorBanner({ error, onDismiss }: Readonly<{ error: ApiError; onDismiss?: () => void }>) {
  const hint = HINTS[error.code];
  return (
    <div className="error-banner" role="alert" data-testid="error-banner">
      <div className="error-banner-body">
        <p>
          <code className="error-code">{error.code}</code> {error.message}
        </p>
        {hint ? <p className="error-hint">{hint}</p> : null}
      </div>
      {onDismiss ? (
        <button type="button" className="icon-button" onClick={onDismiss} aria-label="Dismiss error">
          ×
        </button>
      ) : null}
    </div>
  );
}
