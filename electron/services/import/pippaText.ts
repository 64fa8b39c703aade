/**
 * Text normalisation for PIPPA fields (pippa-formats.md 1.5, 1.9 and 5.1-5.2): line endings,
 * the dataset's placeholders for the user, and the split of `bot_definitions` into example
 * dialogues and free persona text.
 */
const RANDOM_USER = /\{\{\s*random[ _]?user[ _]?\d*\s*\}\}/gi;
const USER = /\{\{\s*(?:user|u\d+)\s*\}\}?/gi;
const CHAR = /\{\{\s*char\s*\}\}/gi;
const REDACTED = /\[(?:(?:NAME_IN_MESSAGE|FIRST_NAME|USERNAME|NAME|DISPLAY_NAME|ACCOUNT_NAME)_)?REDACTED\]/g;

export function normalizeLineEndings(text: string): string {
  return text.indexOf("\r") === -1 ? text : text.replace(/\r\n?/g, "\n");
}

/** Every spelling of "the user" becomes `{{user}}`; `{{char}}` is kept as a macro. */
export function normalizePlaceholders(text: string): string {
  let out = normalizeLineEndings(text);
  if (out.indexOf("{{") !== -1) {
    out = out.replace(RANDOM_USER, "{{user}}").replace(USER, "{{user}}").replace(CHAR, "{{char}}");
  }
  if (out.indexOf("REDACTED]") !== -1) out = out.replace(REDACTED, "{{user}}");
  return out;
}

const SPEAKER = /^(\{\{char\}\}|\{\{user\}\}|[^:\n]{1,40}):/;
const KNOWN_SPEAKER = /^(\{\{char\}\}|\{\{user\}\}):/;

export interface SplitDefinitions {
  /** `<START>` blocks of `{{char}}:` / `{{user}}:` lines, for the card's `mes_example`. */
  examples: string;
  /** Definition text that is not dialogue: persona material for the description. */
  freeText: string;
}

/**
 * Cuts the definitions at each `END_OF_DIALOG` line. In a closed segment the dialogue starts at
 * the first speaker line (and needs at least one `{{char}}:` or `{{user}}:` line); text before it
 * is free text. A trailing segment counts as dialogue only when it starts with a known speaker.
 */
export function splitDefinitions(definitions: string): SplitDefinitions {
  const lines = normalizePlaceholders(definitions).split("\n");
  const segments: { lines: string[]; closed: boolean }[] = [{ lines: [], closed: false }];
  for (const line of lines) {
    const current = segments[segments.length - 1] as { lines: string[]; closed: boolean };
    if (line.trim() === "END_OF_DIALOG") {
      current.closed = true;
      segments.push({ lines: [], closed: false });
    } else {
      current.lines.push(line);
    }
  }
  const examples: string[] = [];
  const free: string[] = [];
  for (const segment of segments) {
    const body = segment.lines;
    const start = body.findIndex((l) => SPEAKER.test(l));
    const hasKnown = body.some((l) => KNOWN_SPEAKER.test(l));
    const isDialogue = segment.closed
      ? start !== -1 && hasKnown
      : body.findIndex((l) => l.trim() !== "") === body.findIndex((l) => KNOWN_SPEAKER.test(l)) && hasKnown;
    const dialogueStart = segment.closed ? start : body.findIndex((l) => KNOWN_SPEAKER.test(l));
    if (isDialogue && dialogueStart !== -1) {
      const before = body.slice(0, dialogueStart).join("\n").trim();
      if (before) free.push(before);
      const dialogue = body
        .slice(dialogueStart)
        .join("\n")
        .replace(/\n{3,}/g, "\n\n")
        .trim();
      if (dialogue) examples.push(`<START>\n${dialogue}`);
    } else {
      const text = body.join("\n").trim();
      if (text) free.push(text);
    }
  }
  return { examples: examples.join("\n"), freeText: free.join("\n\n") };
}

/** Whitespace-insensitive identity of a greeting, to count the same greeting written twice as one. */
export function greetingKey(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
