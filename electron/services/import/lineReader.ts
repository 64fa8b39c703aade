/**
 * Streams a file as lines without ever holding it whole. JSON never contains a raw CR or LF inside
 * a string, so `\r\n`, `\r` and `\n` all end a line. A leading UTF-8 BOM is dropped. Bytes that
 * are not UTF-8 become U+FFFD, and the line says so, so that importers can warn about it.
 */
import { isUtf8 } from "node:buffer";
import { createReadStream } from "node:fs";

/** The warning for a line that held bytes that are not UTF-8. */
export const INVALID_UTF8 = "bytes that are not UTF-8 were replaced by U+FFFD (\uFFFD)";

export interface Line {
  /** 1-based. */
  number: number;
  text: string;
  /** Bytes of the file consumed up to the end of this line. */
  bytesDone: number;
  /** The line held bytes that are not UTF-8 (each shows as U+FFFD in `text`). */
  invalidUtf8: boolean;
}

export async function* readLines(path: string, signal?: AbortSignal): AsyncGenerator<Line> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  const splitter = new LineSplitter();
  for await (const chunk of stream as AsyncIterable<Buffer>) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** Splits byte chunks into lines, keeping an unfinished line (and a CR that may pair with an LF) for the next chunk. */
export class LineSplitter {
  private pending: Buffer = Buffer.alloc(0);
  private consumed = 0;
  private number = 0;
  private first = true;
  private skipLf = false;

  *push(chunk: Buffer): Generator<Line> {
    let buffer = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    if (this.first) {
      this.first = false;
      if (buffer[0] === 0xef && buffer[1] === 0xbb && buffer[2] === 0xbf) {
        buffer = buffer.subarray(3);
        this.consumed += 3;
      }
    }
    let start = this.skipLf && buffer[0] === 0x0a ? 1 : 0;
    this.skipLf = false;
    // Native scans for the next LF and CR; the CR position is reused until passed.
    let cr = buffer.indexOf(0x0d, start);
    for (;;) {
      if (cr !== -1 && cr < start) cr = buffer.indexOf(0x0d, start);
      const lf = buffer.indexOf(0x0a, start);
      const end = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
      if (end === -1) break;
      let next = end + 1;
      if (end === cr && buffer[next] === 0x0a) next++;
      else if (end === cr && next === buffer.length) this.skipLf = true;
      yield {
        number: ++this.number,
        text: buffer.toString("utf8", start, end),
        bytesDone: this.consumed + next,
        invalidUtf8: !isUtf8(buffer.subarray(start, end)),
      };
      start = next;
    }
    this.consumed += start;
    this.pending = buffer.subarray(start);
  }

  *end(): Generator<Line> {
    if (this.pending.length === 0) return;
    yield {
      number: ++this.number,
      text: this.pending.toString("utf8"),
      bytesDone: this.consumed + this.pending.length,
      invalidUtf8: !isUtf8(this.pending),
    };
    this.pending = Buffer.alloc(0);
  }
}
