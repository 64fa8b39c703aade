/**
 * Token counts for a remote backend. The prompt assembly counts synchronously, a server counts
 * over HTTP, so: rehearse the assembly once with estimates while noting every text it asked
 * about, fetch the exact counts of those texts in one batch, and let the real assembly count from
 * that cache. The real assembly is then a pure function of cached numbers (deterministic), and a
 * text the cache still lacks (rare: a different eviction asks about a new text) falls back to the
 * estimate and another round. Servers without a tokenizer get the estimate, flagged as such.
 */
export type CountFetcher = (text: string, addSpecial: boolean) => Promise<number>;
/** A synchronous exact counter (a local tokenizer of the same model). */
export type LocalCounter = (text: string, addSpecial: boolean) => number;
export type TokenCountSource = "server" | "local-tokenizer" | "estimate";

const MAX_ROUNDS = 3;
const CONCURRENCY = 8;
const MAX_ENTRIES = 20_000;

/** A deliberately generous guess (about 3 characters a token), so a budget errs on the safe side. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}

export class RemoteTokenCounts {
  private readonly cache = new Map<string, number>();
  private readonly misses = new Map<string, { text: string; addSpecial: boolean }>();

  constructor(
    private readonly fetcher: CountFetcher | null,
    private readonly local: LocalCounter | null = null,
  ) {}

  /** "server": the server's tokenizer; "local-tokenizer": a local GGUF's vocabulary; "estimate": a guess. */
  get source(): TokenCountSource {
    return this.fetcher ? "server" : this.local ? "local-tokenizer" : "estimate";
  }

  count(text: string, addSpecial: boolean): number {
    if (!this.fetcher && this.local) return this.local(text, addSpecial);
    const key = `${addSpecial ? "P" : "T"}${text}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    if (this.fetcher) this.misses.set(key, { text, addSpecial });
    return estimateTokens(text) + (addSpecial ? 1 : 0);
  }

  /** Runs `rehearse` (a synchronous assembly), fetching the counts it lacked, until none is missing. */
  async prepare(rehearse: () => void): Promise<void> {
    if (!this.fetcher) return;
    for (let round = 0; round < MAX_ROUNDS; round++) {
      this.misses.clear();
      rehearse();
      if (this.misses.size === 0) return;
      await this.fetchMisses();
    }
  }

  private async fetchMisses(): Promise<void> {
    const fetcher = this.fetcher;
    if (!fetcher) return;
    const queue = [...this.misses.entries()];
    this.misses.clear();
    const worker = async () => {
      for (let item = queue.shift(); item; item = queue.shift()) {
        const [key, { text, addSpecial }] = item;
        this.remember(key, await fetcher(text, addSpecial));
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
  }

  private remember(key: string, count: number): void {
    if (this.cache.size >= MAX_ENTRIES) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, count);
  }
}
