/**
 * Incremental parser for `text/event-stream` bodies (the subset Masque's web host uses): `event:` and `data:`
 * fields, frames separated by a blank line, `:` comment lines (keep-alives) ignored, CRLF/LF/CR line ends.
 */
export interface SseFrame {
  event: string;
  data: string;
}

export interface SseParser {
  /** Feeds decoded text; calls `onFrame` for every complete frame. */
  push(chunk: string): void;
  /** Drops any partial frame (call when the connection is replaced). */
  reset(): void;
}

export function createSseParser(onFrame: (frame: SseFrame) => void): SseParser {
  let buffer = "";
  let eventName = "";
  let dataLines: string[] = [];

  const dispatch = (): void => {
    if (dataLines.length > 0) onFrame({ event: eventName || "message", data: dataLines.join("\n") });
    eventName = "";
    dataLines = [];
  };

  const handleLine = (line: string): void => {
    if (line === "") {
      dispatch();
      return;
    }
    if (line.startsWith(":")) return;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") eventName = value;
    else if (field === "data") dataLines.push(value);
  };

  return {
    push(chunk) {
      buffer += chunk;
      for (;;) {
        const match = /\r\n|\n|\r/.exec(buffer);
        if (match === null) break;
        // A lone CR at the very end may be the first half of CRLF: wait for more input.
        if (match[0] === "\r" && match.index === buffer.length - 1) break;
        handleLine(buffer.slice(0, match.index));
        buffer = buffer.slice(match.index + match[0].length);
      }
    },
    reset() {
      buffer = "";
      eventName = "";
      dataLines = [];
    },
  };
}
