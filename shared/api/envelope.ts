/**
 * The one unwrap of the `{ok, value} / {ok:false, error}` envelope, for every client of the core:
 * the Electron preload, the browser's HTTP bridge, the CLI context and any script that calls
 * `core.dispatch`. The reply is treated as untrusted: anything that is not an envelope is INTERNAL.
 */
import { type ApiError, fromApiError, MasqueError } from "../errors";

/**
 * Returns the value of a successful reply and throws the error of a failed one as a `MasqueError`
 * (an unknown code becomes INTERNAL). `what` names the call in the message of a malformed reply.
 */
export function unwrapEnvelope(reply: unknown, what: string): unknown {
  if (typeof reply === "object" && reply !== null) {
    const envelope = reply as { ok?: unknown; value?: unknown; error?: unknown };
    if (envelope.ok === true && "value" in envelope) return envelope.value;
    if (envelope.ok === false && isWireError(envelope.error)) throw fromApiError(envelope.error);
  }
  throw new MasqueError("INTERNAL", `${what}: malformed reply (not a {ok, value | error} envelope)`);
}

/** The wire shape of an error; an unknown `code` still passes, `fromApiError` maps it to INTERNAL. */
function isWireError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const error = value as { code?: unknown; message?: unknown; details?: unknown };
  const detailsOk =
    error.details === undefined || (typeof error.details === "object" && error.details !== null);
  return typeof error.code === "string" && typeof error.message === "string" && detailsOk;
}
