import type { ErrorCode } from "../../../shared/errors";

/** HTTP status for an error envelope; the body always carries the envelope itself. */
export function httpStatusFor(code: ErrorCode): number {
  switch (code) {
    case "INVALID_INPUT":
    case "CARD_INVALID":
    case "IMPORT_FAILED":
      return 400;
    case "UNAUTHORIZED":
      return 401;
    case "NOT_FOUND":
      return 404;
    case "BUSY":
      return 409;
    case "MODEL_NOT_SET":
    case "MODEL_INVALID":
    case "MODEL_TOO_LARGE":
    case "CONTEXT_OVERFLOW":
    case "ABORTED":
      return 422;
    case "STORAGE_FULL":
      return 507;
    case "STORAGE_UNAVAILABLE":
    case "STORAGE_READ_ONLY":
      return 503;
    case "BACKEND_ERROR":
      return 502;
    case "BACKEND_UNAVAILABLE":
      return 503;
    case "INTERNAL":
      return 500;
    default:
      return assertNever(code);
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled error code ${String(value)}`);
}
