/**
 * SillyTavern chat JSONL (pippa-formats.md 4.1): a header line, then one message per line. Dates
 * are written the way SillyTavern writes them (local time) and read in every form it has used.
 */
export interface StHeader {
  user_name: string;
  character_name: string;
  create_date: string;
  chat_metadata: Record<string, unknown>;
}

export interface StSwipeInfo {
  send_date: string;
  extra: Record<string, unknown>;
}

export interface StMessage {
  name: string;
  is_user: boolean;
  is_system: boolean;
  send_date: string;
  mes: string;
  extra: Record<string, unknown>;
  swipe_id?: number;
  swipes?: string[];
  swipe_info?: StSwipeInfo[];
}

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: number) => String(n).padStart(2, "0");

/** `create_date` as SillyTavern's UI writes it: "2024-10-18@20h52m17s". */
export function humanizedDateTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}@${pad(d.getHours())}h${pad(d.getMinutes())}m${pad(d.getSeconds())}s`;
}

/** `send_date` as SillyTavern writes it: "October 18, 2024 8:52pm". */
export function messageTimestamp(ms: number): string {
  const d = new Date(ms);
  const hours = d.getHours() % 12 === 0 ? 12 : d.getHours() % 12;
  return `${MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()} ${hours}:${pad(d.getMinutes())}${d.getHours() < 12 ? "am" : "pm"}`;
}

const HUMANIZED =
  /^(\d{4})-(\d{1,2})-(\d{1,2})\s*@\s*(\d{1,2})h\s*(\d{1,2})m\s*(\d{1,2})s(?:\s*(\d{1,3})ms)?$/;
const AM_PM = /^([A-Za-z]+)\s+(\d{1,2}),\s*(\d{4})\s+(\d{1,2}):(\d{2})\s*([ap]m)$/i;

/** The range of a JavaScript Date, in milliseconds either side of 1970. */
const MAX_DATE_MS = 8.64e15;

/**
 * Milliseconds from any date SillyTavern has written (ms numbers, humanized, am/pm, ISO), or null
 * when it is none, or one a Date cannot hold (a chat dated 1e300 would break every reader).
 */
export function parseStDate(value: unknown): number | null {
  const ms = parseAnyStDate(value);
  return ms !== null && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : null;
}

function parseAnyStDate(value: unknown): number | null {
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value.trim() === "") return null;
  const text = value.trim();
  if (/^\d{10,16}$/.test(text)) return Number(text);
  const h = HUMANIZED.exec(text);
  if (h) {
    const [y, mo, d, hh, mi, s, ms] = h.slice(1).map((x) => Number(x ?? 0)) as number[];
    return new Date(y as number, (mo as number) - 1, d, hh, mi, s, ms).getTime();
  }
  const a = AM_PM.exec(text);
  if (a) {
    const month = MONTHS.findIndex((m) =>
      m.toLowerCase().startsWith((a[1] as string).toLowerCase().slice(0, 3)),
    );
    if (month === -1) return null;
    const hour = (Number(a[4]) % 12) + ((a[6] as string).toLowerCase() === "pm" ? 12 : 0);
    return new Date(Number(a[3]), month, Number(a[2]), hour, Number(a[5])).getTime();
  }
  const parsed = Date.parse(text);
  return Number.isNaN(parsed) ? null : parsed;
}
