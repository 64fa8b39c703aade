/**
 * Where JSON text goes wrong, with a message a person can act on. JSON.parse's messages differ between
 * engines and often carry no position, so a small strict JSON scanner finds the first error itself.
 */
export interface JsonProblem {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

class Stop {
  constructor(
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

function scan(text: string): void {
  let i = 0;
  const describe = (at: number) => (at >= text.length ? "the end of the text" : `“${text[at]}”`);
  const fail = (message: string): never => {
    throw new Stop(i, message);
  };
  const skipSpace = () => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`Unexpected ${describe(i)}: expected a value`);
  };
  const escapeSequence = () => {
    const next = text[i + 1] ?? "";
    if (next === "u") {
      if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail("Invalid \\u escape in a string");
      i += 6;
    } else if (next !== "" && '"\\/bfnrt'.includes(next)) i += 2;
    else fail(`Invalid escape “\\${next}” in a string`);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length) {
      const c = text[i] as string;
      if (c === '"') {
        i++;
        return;
      }
      if (c === "\\") escapeSequence();
      else if (c < " ") {
        fail(c === "\n" ? "Line break inside a string (write \\n)" : "Control character inside a string");
      } else i++;
    }
    fail("Unterminated string");
  };
  const value = (): void => {
    skipSpace();
    const c = text[i];
    if (c === "{") object();
    else if (c === "[") array();
    else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else {
      NUMBER.lastIndex = i;
      if (c === undefined || !NUMBER.test(text)) fail(`Unexpected ${describe(i)}: expected a value`);
      i = NUMBER.lastIndex;
    }
  };
  const object = () => {
    i++;
    skipSpace();
    if (text[i] === "}") {
      i++;
      return;
    }
    for (;;) {
      skipSpace();
      if (text[i] !== '"') fail(`Unexpected ${describe(i)}: expected a "quoted" key`);
      string();
      skipSpace();
      if (text[i] !== ":") fail(`Unexpected ${describe(i)}: expected “:” after the key`);
      i++;
      value();
      skipSpace();
      if (text[i] === ",") {
        i++;
        skipSpace();
        if (text[i] === "}") fail("Trailing comma before “}”");
        continue;
      }
      if (text[i] === "}") {
        i++;
        return;
      }
      fail(`Unexpected ${describe(i)}: expected “,” or “}”`);
    }
  };
  const array = () => {
    i++;
    skipSpace();
    if (text[i] === "]") {
      i++;
      return;
    }
    for (;;) {
      value();
      skipSpace();
      if (text[i] === ",") {
        i++;
        skipSpace();
        if (text[i] === "]") fail("Trailing comma before “]”");
        continue;
      }
      if (text[i] === "]") {
        i++;
        return;
      }
      fail(`Unexpected ${describe(i)}: expected “,” or “]”`);
    }
  };
  value();
  skipSpace();
  if (i < text.length) fail(`Unexpected ${describe(i)} after the end of the JSON value`);
}

/** The first problem in `text` as JSON, or null when it parses. */
export function findJsonProblem(text: string): JsonProblem | null {
  try {
    scan(text);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    return { message: error.message, ...lineColumnAt(text, error.offset) };
  }
  return null;
}
