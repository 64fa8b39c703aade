/**
 * The closed set of error codes that cross every host boundary (IPC, HTTP, CLI).
 * Errors travel as data: `{ ok: false, error: { code, message, details? } }`.
 */
export const ERROR_CODES = [
  "INVALID_INPUT",
  "NOT_FOUND",
  "BUSY",
  "MODEL_NOT_SET",
  "MODEL_INVALID",
  "MODEL_TOO_LARGE",
  "CONTEXT_OVERFLOW",
  "ABORTED",
  "IMPORT_FAILED",
  "CARD_INVALID",
  "STORAGE_UNAVAILABLE",
  /** The disk holding the data directory is full; nothing was written. */
  "STORAGE_FULL",
  /** The data directory can be read but not written (reads keep working). */
  "STORAGE_READ_ONLY",
  "UNAUTHORIZED",
  /** A remote inference server answered with an error, refused the key, or broke its stream. */
  "BACKEND_ERROR",
  /** A remote inference server could not be reached (refused, unknown host, timed out). */
  "BACKEND_UNAVAILABLE",
  "INTERNAL",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error that knows its contract code; thrown inside services, serialised at the host boundary. */
export class MasqueError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "MasqueError";
    this.code = code;
    this.details = details;
  }

  toApiError(): ApiError {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}

/** Converts anything thrown into the wire shape; unknown errors become INTERNAL with their message. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof MasqueError) return error.toApiError();
  // Errors that crossed Electron's contextBridge arrive as plain `{ code, message }` objects.
  if (isApiErrorLike(error)) {
    const { code, message, details } = error;
    return details === undefined ? { code, message } : { code, message, details };
  }
  if (error instanceof Error) return { code: "INTERNAL", message: error.message };
  return { code: "INTERNAL", message: String(error) };
}

/** Rebuilds a throwable error from the wire shape (used by the bridges on the client side). */
export function fromApiError(error: ApiError): MasqueError {
  return new MasqueError(isErrorCode(error.code) ? error.code : "INTERNAL", error.message, error.details);
}

function isApiErrorLike(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { code?: unknown; message?: unknown };
  return isErrorCode(candidate.code) && typeof candidate.message === "string";
}

/** Any rejection from a bridge call as a MasqueError (keeps the code when there is one). */
export function asMasqueError(error: unknown): MasqueError {
  return error instanceof MasqueError ? error : fromApiError(toApiError(error));
}
