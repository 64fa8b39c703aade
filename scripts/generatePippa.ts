/**
 * Writes a synthetic PIPPA-shaped JSONL file at full scale, deterministic for a given seed:
 * ~26,000 lines from 1,254 bots, ~1.05 million messages, conversation lengths heavy-tailed
 * (median ~10, mean ~40, max 11,491 turns as in the paper) and message lengths heavy-tailed with
 * bot messages longer than human ones.
 *
 * Usage: node --import tsx scripts/generatePippa.ts OUT.jsonl [--lines N] [--bots N] [--seed N]
 */
import { createWriteStream } from "node:fs";
import { parseArgs } from "node:util";

const WORDS = (
  "the a and to of she he you I it was in that her his with for on is my as at be this had not but " +
  "what said all so were we when there one they out up if no about them could would into time just " +
  "like more him some then now look back smile walk softly quietly door window rain sword castle forest " +
  "tea book night morning light dark cold warm hand eyes voice heart laugh sigh whisper glance step " +
  "ancient quest dragon village market captain ship storm garden letter secret promise friend stranger"
).split(" ");
const CATEGORIES = [
  "Anime",
  "Fantasy",
  "Action",
  "Games",
  "Comedy",
  "Romance",
  "Helpers",
  "Movies & TV",
  "Books",
  "VTuber",
  "Image Generating",
  "History",
  "Discussion",
  "Animals",
];

export interface GenerateOptions {
  lines: number;
  bots: number;
  seed: number;
}

/** A small, fast, seedable PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function* generatePippaLines(options: GenerateOptions): Generator<string> {
  const rand = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;
  const lognormal = (mu: number, sigma: number) => {
    const u = 1 - rand();
    const v = rand();
    return Math.exp(mu + sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  };
  const sentence = (words: number) => {
    const out: string[] = [];
    for (let i = 0; i < words; i++) out.push(pick(WORDS));
    const text = out.join(" ");
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const text = (meanWords: number) => {
    const words = Math.max(1, Math.round(lognormal(Math.log(meanWords) - 0.5, 1)));
    const parts: string[] = [];
    for (let left = words; left > 0; left -= 14) parts.push(sentence(Math.min(14, left)));
    return rand() < 0.4 ? `*${parts.join(" ")}*` : parts.join(" ");
  };
  const idChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const bots = Array.from({ length: options.bots }, (_, i) => {
    let id = "";
    for (let k = 0; k < 43; k++) id += pick([...idChars]);
    const categories =
      rand() < 0.15
        ? null
        : [
            ...new Set(
              Array.from(
                { length: 1 + Math.floor(rand() * 3) },
                () => CATEGORIES[Math.min(CATEGORIES.length - 1, Math.floor(lognormal(0, 1.1)))] as string,
              ),
            ),
          ];
    return {
      id,
      name: `${pick(["Aria", "Kai", "Mira", "Dante", "Yuki", "Zed", "Lyra", "Orin"])} ${i}`,
      greeting: text(40),
      definitions:
        rand() < 0.3
          ? null
          : `{{char}}: ${text(30)}\n{{random_user_1}}: ${text(10)}\n{{char}}: ${text(30)}\nEND_OF_DIALOG\n${text(25)}`,
      description: rand() < 0.1 ? null : text(35),
      categories,
    };
  });
  // Popular bots get more conversations (Zipf-like), as in the dataset.
  const weights = bots.map((_, i) => 1 / (i + 1) ** 0.8);
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative: number[] = [];
  weights.reduce((acc, w) => {
    cumulative.push((acc + w) / total);
    return acc + w;
  }, 0);
  const botFor = (r: number) => {
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cumulative[mid] as number) < r) lo = mid + 1;
      else hi = mid;
    }
    return bots[lo] as (typeof bots)[number];
  };
  for (let line = 0; line < options.lines; line++) {
    // Every bot appears at least once; then popularity decides.
    const bot = line < bots.length ? (bots[line] as (typeof bots)[number]) : botFor(rand());
    const turns =
      line === 7 ? 11_491 : Math.min(11_491, Math.max(2, Math.round(lognormal(Math.log(10), 1.67))));
    const conversation = [{ message: bot.greeting, is_human: false }];
    for (let t = 1; t < turns; t++) {
      const human = t % 2 === 1;
      conversation.push({ message: human ? text(20) : text(90), is_human: human });
    }
    yield JSON.stringify({
      submission_timestamp: 1_672_000_000_000 + Math.floor(rand() * 12_000_000_000),
      categories: bot.categories,
      bot_id: bot.id,
      bot_name: bot.name,
      bot_greeting: bot.greeting,
      bot_definitions: bot.definitions,
      bot_description: bot.description,
      conversation,
    });
  }
}

export async function writePippaFile(
  path: string,
  options: GenerateOptions,
): Promise<{ lines: number; messages: number; bytes: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let messages = 0;
  let lines = 0;
  for (const line of generatePippaLines(options)) {
    lines++;
    messages += (line.match(/"is_human":/g) ?? []).length;
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(`${line}\n`)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return { lines, messages, bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { lines: { type: "string" }, bots: { type: "string" }, seed: { type: "string" } },
  });
  const out = positionals[0];
  if (!out) {
    console.error("usage: generatePippa.ts OUT.jsonl [--lines N] [--bots N] [--seed N]");
    process.exit(1);
  }
  const stats = await writePippaFile(out, {
    lines: Number(values.lines ?? 25_960),
    bots: Number(values.bots ?? 1_254),
    seed: Number(values.seed ?? 1),
  });
  console.log(JSON.stringify({ file: out, ...stats, megabytes: +(stats.bytes / 1e6).toFixed(1) }));
}
