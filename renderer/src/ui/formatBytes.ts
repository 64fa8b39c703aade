const UNITS = ["KB", "MB", "GB", "TB"];

/** A byte count for people: "999 B", "1.5 KB", "12.3 MB", "512 MB", "1.2 GB" (1 KB = 1,024 bytes). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes) || 0)} B`;
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Rounding may reach the next unit (1023.96 KB is "1.0 MB", not "1024 KB").
  if (value >= 1023.95 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 100 ? 1 : 0)} ${UNITS[unit]}`;
}
