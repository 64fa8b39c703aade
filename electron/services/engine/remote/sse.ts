/**
 * Reads a Server-Sent Events body: yields each event's `data` (lines joined with "\n") and its
 * `event` name. Comments (": ...") are skipped; a last event without its blank line still counts.
 */
export interface SseEvent {
  event: string | null;
  data: string;
}

export async function* readSse(
  body: AsyncIterable<Uint8Array>,
  onChunk: () => void = () => {},
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let data: string[] = [];
  let event: string | null = null;
  const take = (): SseEvent | null => {
    const out = data.length > 0 ? { event, data: data.join("\n") } : null;
    data = [];
    event = null;
    return out;
  };
  const line = (raw: string): SseEvent | null => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (text === "") return take();
    if (text.startsWith(":")) return null;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    return null;
  };
  for await (const chunk of body) {
    onChunk();
    buffer += decoder.decode(chunk, { stream: true });
    let newline = buffer.indexOf("\n");
    while (newline !== -1) {
      const out = line(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      if (out) yield out;
      newline = buffer.indexOf("\n");
    }
  }
  buffer += decoder.decode();
  if (buffer) {
    const out = line(buffer);
    if (out) yield out;
  }
  const last = take();
  if (last) yield last;
}
