/**
 * The validator's rules for one PIPPA line: the importer's own checks (`checkPippaRecord`) plus
 * what PIPPA's loader and the dataset's types need. In strict mode (Masque's own exports) extra
 * keys, a timestamp written as a string and an id that is not 43 URL-safe characters are errors;
 * for anyone else's file they are warnings, because PIPPA's loader ignores extra keys and the
 * paper itself prints the timestamp as a string. Likely personal data is always a warning.
 */
import { scanPersonalData } from "../../../shared/redaction/scan";
import type { PersonalDataSpan } from "../../../shared/redaction/types";
import { nestingProblem } from "../cards/jsonDepth";
import { checkPippaRecord, PIPPA_KEYS } from "../import/pippaRecord";

export interface LineVerdict {
  error: string | null;
  warnings: string[];
}

const EXAMPLES_SHOWN = 3;

export function checkPippaLine(text: string, strict: boolean): LineVerdict {
  const warnings: string[] = [];
  const tooDeep = nestingProblem(text);
  if (tooDeep !== null) return { error: tooDeep, warnings };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `not valid JSON (${(error as Error).message})`, warnings };
  }
  const base = checkPippaRecord(value);
  if (typeof base === "string") return { error: base, warnings };
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  const flag = (problem: string, alwaysError = false) =>
    (strict || alwaysError ? problems : warnings).push(problem);

  const extra = Object.keys(record).filter((k) => !(PIPPA_KEYS as readonly string[]).includes(k));
  if (extra.length > 0)
    flag(`extra key${extra.length > 1 ? "s" : ""} ${extra.join(", ")} (PIPPA has exactly 8)`);
  const timestamp = record.submission_timestamp;
  if (typeof timestamp === "string") flag("submission_timestamp is a string, PIPPA writes an integer");
  else if (!Number.isSafeInteger(timestamp) || (timestamp as number) < 0)
    flag("submission_timestamp must be a whole number of milliseconds", true);
  if (!/^[A-Za-z0-9_-]{43}$/.test(record.bot_id as string))
    flag("bot_id is not 43 URL-safe base64 characters like PIPPA's ids");
  const conversation = record.conversation as Record<string, unknown>[];
  const odd = conversation.findIndex((m) => Object.keys(m).some((k) => k !== "message" && k !== "is_human"));
  if (odd !== -1) flag(`conversation[${odd}] has keys other than message and is_human`);

  const personal = personalData(base);
  if (personal.length > 0) warnings.push(describePersonalData(personal));
  return { error: problems.length > 0 ? problems.join("; ") : null, warnings };
}

function personalData(record: Exclude<ReturnType<typeof checkPippaRecord>, string>): PersonalDataSpan[] {
  const texts = [
    record.bot_greeting,
    record.bot_definitions ?? "",
    record.bot_description ?? "",
    ...record.conversation.map((m) => m.message),
  ];
  return texts.flatMap((t) => scanPersonalData(t));
}

function describePersonalData(spans: PersonalDataSpan[]): string {
  const shown = spans
    .slice(0, EXAMPLES_SHOWN)
    .map((s) => `${s.kind} ${JSON.stringify(s.text)}`)
    .join(", ");
  const more = spans.length > EXAMPLES_SHOWN ? ` and ${spans.length - EXAMPLES_SHOWN} more` : "";
  return `possible personal data: ${shown}${more}`;
}
