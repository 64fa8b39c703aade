export const MAX_PATH_LENGTH = 255;

/**
 * Why a path from an archive (or a card's asset list) is unsafe, or null when it is a plain
 * relative path. `allowDirectory` accepts one trailing "/" (zip directory entries).
 */
export function unsafePathReason(path: string, allowDirectory = false): string | null {
  if (path.length === 0) return "is empty";
  if (path.length > MAX_PATH_LENGTH) return `is longer than ${MAX_PATH_LENGTH} characters`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(path)) return "contains a NUL or control character";
  if (path.includes("\\")) return "contains a backslash";
  if (/^[A-Za-z]:/.test(path)) return "starts with a drive letter";
  if (path.startsWith("/")) return "is absolute";
  const body = allowDirectory && path.endsWith("/") ? path.slice(0, -1) : path;
  const segments = body.split("/");
  if (segments.includes("..")) return "contains ..";
  if (segments.some((segment) => segment === "" || segment === ".")) return "has an empty or . segment";
  return null;
}
