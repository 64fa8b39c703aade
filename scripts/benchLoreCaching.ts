/**
 * Prints the simulated cache cost of lore placement (see loreCachingSimulation.ts):
 * `node --import tsx scripts/benchLoreCaching.ts`.
 */
import {
  type CacheCost,
  DEFAULT_SIMULATION,
  type SimulationOptions,
  type SimulationResult,
  simulateLoreCaching,
} from "./loreCachingSimulation";

const NOTE = "Keep replies short and vivid.";

function line(name: string, c: CacheCost): string {
  return (
    `  ${name.padEnd(40)} evaluated ${String(c.evaluated).padStart(7)}  new ${String(c.newTokens).padStart(6)}` +
    `  ratio ${c.ratio.toFixed(2)}`
  );
}

function report(label: string, options: SimulationOptions): SimulationResult {
  const result = simulateLoreCaching(options);
  console.log(
    `${label} (${result.turns} turns, context ${options.contextSize}, ~${result.averagePromptTokens} prompt tokens; ` +
      `keyed lore in ${(result.loreActiveShare * 100).toFixed(0)}% of prompts, new lore on ` +
      `${(result.loreNewShare * 100).toFixed(0)}% of turns)`,
  );
  for (const [name, key] of [
    ["shifting cache", "shift"],
    ["node-llama-cpp greedy alignment", "greedy"],
    ["prefix-only cache", "prefixOnly"],
  ] as const) {
    console.log(line(`Masque placement, ${name}`, result.placement[key]));
    console.log(line(`baseline, ${name}`, result.baseline[key]));
  }
  return result;
}

report("Lore", DEFAULT_SIMULATION);
report("Lore, a context that never evicts", { ...DEFAULT_SIMULATION, contextSize: 65_536 });
report("Lore + author's note at depth 4 every 4 turns", {
  ...DEFAULT_SIMULATION,
  note: { text: NOTE, depth: 4, every: 4 },
});
report("Lore + author's note at depth 1 every 4 turns", {
  ...DEFAULT_SIMULATION,
  note: { text: NOTE, depth: 1, every: 4 },
});
