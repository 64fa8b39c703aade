const UNITS = ["KB", "MB", "GB", "TB", "PB"] as const;

/** Below this a count is exact ("5000 bytes"): small limits and sizes read better that way. */
const EXACT_BELOW = 10 * 1024;

/**
 * A byte count for people, in binary units: "5000 bytes", "12.5 KB", "200 MB", "3.4 GB". One decimal
 * below 100 units unless it is 0, none above (a limit of 200 MB reads "200 MB", not "200.0 MB").
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || Math.abs(bytes) < EXACT_BELOW) {
    return `${bytes} ${bytes === 1 ? "byte" : "bytes"}`;
  }
  let value = bytes / 1024;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = Math.abs(value) < 100 ? 1 : 0;
  // "21 MB", not "21.0 MB": a decimal is shown only when it says something.
  return `${value.toFixed(digits).replace(/\.0$/, "")} ${UNITS[unit]}`;
}
