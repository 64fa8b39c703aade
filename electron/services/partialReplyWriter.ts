/**
 * Saves a streaming reply's text at most once per `intervalMs`: the first text at once, later
 * text when a batch is flushed and the interval has passed, and otherwise once the interval ends,
 * so what a crash can lose is bounded by the interval. One small UPDATE of one row each time.
 */
import type { PartialReplyRepository } from "../storage/partialReplyRepository";

export const PARTIAL_SAVE_INTERVAL_MS = 1000;

export class PartialReplyWriter {
  private lastSavedAt = Number.NEGATIVE_INFINITY;
  private saved = "";
  private latest = "";
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;
  /** Time spent writing, for measurements. */
  writeMs = 0;
  writes = 0;

  constructor(
    private readonly partials: PartialReplyRepository,
    private readonly generationId: string,
    private readonly intervalMs = PARTIAL_SAVE_INTERVAL_MS,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** The whole text streamed so far. */
  update(text: string): void {
    if (this.stopped) return;
    this.latest = text;
    const wait = this.lastSavedAt + this.intervalMs - performance.now();
    if (wait <= 0) {
      this.save();
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = null;
      this.save();
    }, wait);
  }

  /** No more saves (the final result is stored by the caller, which deletes the row). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private save(): void {
    if (this.stopped || this.latest === this.saved) return;
    const started = performance.now();
    try {
      this.partials.updateText(this.generationId, this.latest);
      this.saved = this.latest;
    } catch (error) {
      // Losing a save only widens what a crash could lose; the generation goes on.
      this.onError(error);
    }
    this.lastSavedAt = performance.now();
    this.writeMs += this.lastSavedAt - started;
    this.writes++;
  }
}
