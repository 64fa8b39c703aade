/**
 * Collects streamed text and hands it on at most every `intervalMs`, so clients get a few dozen
 * small events per second instead of one per token.
 */
export class DeltaBatcher {
  private buffer = "";
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly sink: (text: string) => void,
    private readonly intervalMs = 30,
  ) {}

  push(text: string): void {
    if (!text) return;
    this.buffer += text;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.buffer) return;
    const text = this.buffer;
    this.buffer = "";
    this.sink(text);
  }
}
