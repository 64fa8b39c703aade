import { unsafePathReason } from "./safePath";

const SHOWN_CHARS = 80;

/**
 * What is wrong with a V3 asset URI, or null when Masque can resolve it itself: `embeded://` (a
 * CHARX file), `__asset:` (a PNG chunk), `ccdefault:` and `data:`. Everything else — remote URLs,
 * `file://`, paths that climb out with `..` — is only ever kept as text: a card must not make the
 * app read the user's files or reach the network.
 */
export function assetUriConcern(uri: string): string | null {
  const shown = uri.length > SHOWN_CHARS ? `${uri.slice(0, SHOWN_CHARS)}…` : uri;
  const lower = uri.trim().toLowerCase();
  if (lower === "ccdefault:" || lower.startsWith("data:")) return null;
  const embedded = /^(?:embedd?ed:\/\/|__asset:)(.*)$/s.exec(uri);
  if (embedded) {
    const reason = unsafePathReason(embedded[1] ?? "");
    return reason === null ? null : `points outside the card (${shown}: its path ${reason})`;
  }
  if (/^(?:https?|ftp|wss?):/.test(lower)) return `is a remote URL (${shown})`;
  if (lower.startsWith("file:")) return `is a local file URI (${shown})`;
  return `is not an embedded, data or ccdefault URI (${shown})`;
}
