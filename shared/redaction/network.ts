/**
 * E-mail addresses, URLs, social handles and IP addresses. Names are redacted before the scan,
 * so `{{user}}` counts as part of an address (`{{user}}.{{user}}@example.com` is still an e-mail).
 */
import type { PersonalDataKind, PersonalDataSpan } from "./types";

const U = String.raw`\{\{user\}\}`;
const LOCAL_CHAR = String.raw`(?:[\p{L}\p{N}_%+\-]|${U})`;
const LABEL = String.raw`[\p{L}\p{N}](?:[\p{L}\p{N}\-]{0,61}[\p{L}\p{N}])?`;
const EMAIL = new RegExp(
  String.raw`(?<![\p{L}\p{N}_.%+\-])${LOCAL_CHAR}+(?:\.${LOCAL_CHAR}+)*@(?:${LABEL}\.)+\p{L}{2,24}(?![\p{L}\p{N}_\-])`,
  "gu",
);
/** "ada [at] example [dot] com", "ada (at) example.com", "ada at example dot com". */
const OBFUSCATED_EMAIL =
  /(?<![\p{L}\p{N}_.])[\p{L}\p{N}_.+-]+\s*(?:[[(]at[\])]|\sat\s)\s*[\p{L}\p{N}-]+(?:\s*(?:[[(]dot[\])]|\sdot\s|\.)\s*[\p{L}\p{N}-]+)*\s*(?:[[(]dot[\])]|\sdot\s)\s*[a-z]{2,6}\b/giu;

const URL_WITH_SCHEME = /\b(?:https?|ftps?|wss?):\/\/[^\s<>"'`]+|\bwww\.[^\s<>"'`]+/giu;
const TLDS =
  "com|org|net|edu|gov|mil|int|io|co|dev|app|ai|gg|tv|ly|info|biz|xyz|online|site|blog|shop|page|link|art|club|tech|uk|de|fr|es|nl|ch|se|dk|fi|pl|cz|ru|ua|jp|cn|kr|au|nz|ca|br|mx|ar|eu|ie|pt|gr|tr|il|za|sg|hk|tw|vn|th|ph|fm|cc|ws|su|moe|social|zone|email|cloud|space|live|pro|xxx|onion";
/** TLDs that are also common words: a bare domain needs a path to count ("go.to" is not a URL). */
const WORD_TLDS = "at|it|is|me|to|no|in|us|my|id|am|be|so|do|la|by";
const BARE_HOST = String.raw`(?<![\p{L}\p{N}_@.\-/])(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+`;
const URL_BARE = new RegExp(
  String.raw`${BARE_HOST}(?:(?:${TLDS})(?::\d{2,5})?(?:/[^\s<>"'\x60]*)?|(?:${WORD_TLDS})(?::\d{2,5})?/[^\s<>"'\x60]*)(?![\p{L}\p{N}_\-])`,
  "gu",
);

const HANDLE =
  /(?<![\p{L}\p{N}_.@/])@(?=[\p{N}_.]*\p{L})[\p{L}\p{N}_](?:[\p{L}\p{N}_.]{0,28}[\p{L}\p{N}_])?(?![\p{L}\p{N}_@])|(?<![\p{L}\p{N}_/])u\/[A-Za-z0-9_-]{3,20}\b|(?<![\p{L}\p{N}_.#])[\p{L}\p{N}_.]{2,32}#\d{4}(?!\d)/gu;
const NOT_HANDLES = new Set(["@everyone", "@here", "@user", "@char"]);

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";
const IPV4 = new RegExp(`(?<![\\w.])${OCTET}(?:\\.${OCTET}){3}(?![\\w]|\\.\\d)`, "g");
/** "version 1.2.3.4", "v 1.2.3.4", "build 10.0.19045.2965": a version number, not an address. */
const VERSION_CONTEXT = /(?:\bversions?|\bver\.?|\brelease|\bbuild|\bupdate|\bpatch|\bfirmware|\bv)\s*$/i;
const IPV6 = /(?<![\p{L}\p{N}_:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\p{L}\p{N}_:])/gu;

export function findNetworkData(text: string): PersonalDataSpan[] {
  return [
    ...collect(text, EMAIL, "email"),
    ...collect(text, OBFUSCATED_EMAIL, "email"),
    ...collect(text, URL_WITH_SCHEME, "url", trimUrl),
    ...collect(text, URL_BARE, "url", trimUrl),
    ...collect(text, HANDLE, "handle").filter((s) => !NOT_HANDLES.has(s.text.toLowerCase())),
    ...collect(text, IPV4, "ip").filter(
      (s) => !VERSION_CONTEXT.test(text.slice(Math.max(0, s.start - 12), s.start)),
    ),
    ...collect(text, IPV6, "ip").filter((s) => isIpv6(s.text)),
  ];
}

function collect(
  text: string,
  regex: RegExp,
  kind: PersonalDataKind,
  trim: (s: string) => string = (s) => s,
): PersonalDataSpan[] {
  const spans: PersonalDataSpan[] = [];
  for (const match of text.matchAll(regex)) {
    const value = trim(match[0]);
    if (value) spans.push({ kind, start: match.index, end: match.index + value.length, text: value });
  }
  return spans;
}

/** Drops trailing punctuation, and a closing bracket that has no opening one in the URL. */
function trimUrl(url: string): string {
  let out = url.replace(/[.,;:!?*'"…]+$/u, "");
  while (/[)\]}]$/.test(out)) {
    const close = out.at(-1) as string;
    const open = close === ")" ? "(" : close === "]" ? "[" : "{";
    if (out.split(open).length >= out.split(close).length) break;
    out = out.slice(0, -1).replace(/[.,;:!?*'"…]+$/u, "");
  }
  return out;
}

function isIpv6(text: string): boolean {
  const halves = text.split("::");
  if (halves.length > 2) return false;
  const groups = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  if (groups.some((g) => g.length === 0 || g.length > 4)) return false;
  if (halves.length === 1) return groups.length === 8;
  // A compressed address needs some hex to tell it from "a::b" in code or prose.
  return groups.length >= 2 && groups.length <= 7 && groups.some((g) => g.length >= 3);
}
