/**
 * `files.validatePippa`: checks a PIPPA JSONL file line by line without holding it whole, and
 * the same rules over an export held in memory. Line numbers are 1-based; line 0 is the file.
 */
import { open, stat } from "node:fs/promises";
import type { PippaValidation } from "../../../shared/api/contract";
import { MasqueError } from "../../../shared/errors";
import { readLines } from "../import/lineReader";
import { checkPippaLine } from "./pippaLine";

const LIST_LIMIT = 1000;

class Collector {
  readonly result: PippaValidation = {
    lines: 0,
    valid: 0,
    invalid: [],
    warnings: [],
    invalidCount: 0,
    warningCount: 0,
  };
  private readonly noted = new Set<string>();

  constructor(readonly strict: boolean) {}

  /** `notUtf8`: the line's bytes were not all UTF-8 (PIPPA's loader reads UTF-8 strictly and stops). */
  line(number: number, text: string, notUtf8 = false): void {
    this.result.lines = number;
    if (text.trim() === "") {
      this.problem(number, "blank line (PIPPA has one record per line)");
      return;
    }
    const verdict = checkPippaLine(text, this.strict);
    const error = [notUtf8 ? NOT_UTF8 : null, verdict.error].filter((e) => e !== null).join("; ");
    if (error === "") this.result.valid++;
    else this.invalid(number, error);
    for (const warning of verdict.warnings) this.warning(number, warning);
  }

  /** An error in strict mode, a warning otherwise. */
  problem(number: number, reason: string): void {
    if (this.strict) this.invalid(number, reason);
    else this.warning(number, reason);
  }

  /** Like `problem`, but a lenient check reports it once per file (e.g. every line ends with CRLF). */
  fileProblem(number: number, reason: string): void {
    if (this.strict) this.invalid(number, reason);
    else if (!this.noted.has(reason)) {
      this.noted.add(reason);
      this.warning(number, `${reason} (first seen here)`);
    }
  }

  invalid(line: number, reason: string): void {
    this.result.invalidCount++;
    if (this.result.invalid.length < LIST_LIMIT) this.result.invalid.push({ line, reason });
  }

  warning(line: number, reason: string): void {
    this.result.warningCount++;
    if (this.result.warnings.length < LIST_LIMIT) this.result.warnings.push({ line, reason });
  }

  finish(): PippaValidation {
    if (this.result.lines === 0) this.invalid(0, "the file is empty");
    return this.result;
  }
}

const BOM = "a UTF-8 byte-order mark (PIPPA files have none)";
const CRLF = "line ends with CRLF (PIPPA uses \\n)";
const CR = "line ends with a lone CR (PIPPA uses \\n)";
const NO_FINAL_NEWLINE = "the last line has no \\n";
const NOT_UTF8 = "bytes that are not UTF-8 (PIPPA's loader reads the file as UTF-8 and would stop here)";

export async function validatePippaFile(path: string, strict = false): Promise<PippaValidation> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new MasqueError("NOT_FOUND", `no such file: ${path}`);
  if (!info.isFile()) throw new MasqueError("INVALID_INPUT", `not a file: ${path}`);
  const collector = new Collector(strict);
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(3);
    await handle.read(head, 0, 3, 0);
    const bom = head.equals(Buffer.from([0xef, 0xbb, 0xbf]));
    let previous = bom ? 3 : 0;
    if (bom) collector.problem(1, BOM);
    for await (const line of readLines(path)) {
      collector.line(line.number, line.text, line.invalidUtf8);
      const ending = line.bytesDone - previous - Buffer.byteLength(line.text);
      previous = line.bytesDone;
      if (ending === 2) collector.fileProblem(line.number, CRLF);
      else if (ending === 0) collector.problem(line.number, NO_FINAL_NEWLINE);
      else if (ending === 1 && (await byteAt(handle, line.bytesDone - 1)) === 0x0d)
        collector.fileProblem(line.number, CR);
    }
  } finally {
    await handle.close();
  }
  return collector.finish();
}

/** The same rules over text in memory (an export before it is handed out). */
export function validatePippaText(text: string, strict = true): PippaValidation {
  const collector = new Collector(strict);
  if (text.startsWith("\uFEFF")) collector.problem(1, BOM);
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  const last = lines.pop();
  if (last !== undefined && last !== "") lines.push(last);
  lines.forEach((line, i) => {
    const body = line.endsWith("\r") ? line.slice(0, -1) : line;
    collector.line(i + 1, body);
    if (body !== line) collector.fileProblem(i + 1, CRLF);
  });
  if (last !== undefined && last !== "") collector.problem(lines.length, NO_FINAL_NEWLINE);
  return collector.finish();
}

async function byteAt(handle: Awaited<ReturnType<typeof open>>, position: number): Promise<number> {
  const one = Buffer.alloc(1);
  await handle.read(one, 0, 1, position);
  return one[0] as number;
}
