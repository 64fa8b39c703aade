const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 7],
  ["week", 4.35],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday"… for an epoch-milliseconds timestamp. */
export function formatRelative(timestamp: number, now: number = Date.now()): string {
  let value = (timestamp - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return relative.format(Math.round(value), unit);
    value /= size;
  }
  return new Date(timestamp).toLocaleDateString();
}

/** "Jan 26, 2023" for an epoch-milliseconds timestamp; `fallback` when it is unknown. */
export function formatDate(timestamp: number | null, fallback = "Unknown date"): string {
  return timestamp === null
    ? fallback
    : new Date(timestamp).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });
}
