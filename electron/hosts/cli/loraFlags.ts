/** `--lora FILE[:SCALE]`, repeatable, taken out of a command's arguments before the strict parse. */
import type { LoraAttachment } from "../../services/engine/engine";
import { parseLoraArgument } from "../../services/engine/lora";
import { usageError } from "./cliError";

export function takeLoraFlags(args: string[]): { lora: LoraAttachment[] | undefined; rest: string[] } {
  const rest: string[] = [];
  const lora: LoraAttachment[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--lora") {
      const value = args[++i];
      if (!value || value.startsWith("--")) throw usageError("--lora needs FILE[:SCALE]");
      lora.push(parseLoraArgument(value));
    } else if (arg.startsWith("--lora=")) {
      lora.push(parseLoraArgument(arg.slice("--lora=".length)));
    } else {
      rest.push(arg);
    }
  }
  return { lora: lora.length > 0 ? lora : undefined, rest };
}
