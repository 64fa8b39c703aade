/**
 * Watches streamed text for stop strings. Text that could still be the start of a stop string is
 * held back, so a reply never shows "\nSam" and then takes it away.
 */
export class StopMatcher {
  private held = "";
  private readonly longest: number;
  private readonly firstChars: Set<string>;

  constructor(private readonly stops: readonly string[]) {
    this.longest = Math.max(0, ...stops.map((s) => s.length));
    this.firstChars = new Set(stops.map((s) => s.charAt(0)));
  }

  /** Feeds new text; returns the text safe to show and whether a stop string was reached. */
  push(text: string): { emit: string; stopped: boolean } {
    const buffer = this.held + text;
    let cut = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.held = "";
      return { emit: buffer.slice(0, cut), stopped: true };
    }
    const keep = this.partialTail(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { emit: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** Whatever was held back, when generation ends for another reason. */
  flush(): string {
    const rest = this.held;
    this.held = "";
    return rest;
  }

  /** Length of the longest end of `buffer` that is a proper prefix of some stop string. */
  private partialTail(buffer: string): number {
    const from = Math.max(0, buffer.length - (this.longest - 1));
    let any = false;
    for (let i = from; i < buffer.length && !any; i++) any = this.firstChars.has(buffer.charAt(i));
    if (!any) return 0;
    for (let n = Math.min(this.longest - 1, buffer.length); n > 0; n--) {
      const tail = buffer.slice(buffer.length - n);
      if (this.stops.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }
}
