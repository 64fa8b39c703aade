import { randomUUID } from "node:crypto";
import type { EventName, EventTypes, GenerationStarted } from "../../../shared/api/contract";
import type { Message } from "../../../shared/domain/chat";
import { fromApiError } from "../../../shared/errors";
import type { LoraAttachment } from "../../services/engine/engine";
import type { CliContext } from "./context";

export interface SendOptions {
  chatId: number;
  text: string;
  model: string | undefined;
  maxTokens: number | undefined;
  seed: number | undefined;
  temperature: number | undefined;
  threads: number | undefined;
  /** Group chats: the character who answers. */
  asCharacterId?: number | undefined;
  json: boolean;
  /** `--lora FILE[:SCALE]`: adapters for this reply. */
  lora?: LoraAttachment[] | undefined;
}

type Outcome = { message: Message } | { draft: string } | { error: EventTypes["generation.error"]["error"] };

/**
 * Runs one generation to its end: streams deltas to stdout (unless --json), Ctrl+C stops it (what
 * was generated is kept as a stopped message), and returns the stored message or the draft. The
 * generation is named here, so its events are recognised from the first one on.
 */
export async function followGeneration(
  ctx: CliContext,
  start: (generationId: string) => Promise<GenerationStarted>,
  json: boolean,
): Promise<{ started: GenerationStarted; outcome: { message: Message } | { draft: string } }> {
  const generationId = randomUUID();
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  const unsubscribe = ctx.core.subscribe((event, payload) => {
    if ((payload as { generationId?: string }).generationId !== generationId) return;
    const item = { event, payload } as { [E in EventName]: { event: E; payload: EventTypes[E] } }[EventName];
    if (item.event === "generation.delta" && !json) ctx.out(item.payload.text);
    else if (item.event === "generation.done") settle({ message: item.payload.message });
    else if (item.event === "generation.draft") settle({ draft: item.payload.text });
    else if (item.event === "generation.error") settle({ error: item.payload.error });
  });
  const stop = () => void ctx.call("generation.abort", { generationId }).catch(() => undefined);
  process.on("SIGINT", stop);
  try {
    const started = await start(generationId);
    const result = await outcome;
    if ("error" in result) throw fromApiError(result.error);
    return { started, outcome: result };
  } finally {
    process.off("SIGINT", stop);
    unsubscribe();
  }
}

/** The documented `--json` shape of a reply (`characterId`: who wrote it). */
export function replyJson(message: Message) {
  const backend = message.provenance?.backend ?? "local";
  return {
    id: message.id,
    text: message.text,
    stopReason: message.stopReason,
    stats: message.stats ? { ...message.stats, backend } : null,
    characterId: message.characterId ?? null,
  };
}

export async function loadModelFor(ctx: CliContext, model: string | undefined, threads: number | undefined) {
  if (model === undefined && threads === undefined) return;
  await ctx.call("model.load", {
    ...(model === undefined ? {} : { path: model }),
    ...(threads === undefined ? {} : { threads }),
    remember: false,
  });
}

/** `chats send`. */
export async function sendMessage(ctx: CliContext, options: SendOptions): Promise<number> {
  await loadModelFor(ctx, options.model, options.threads);
  let userMessageId = 0;
  const { started, outcome } = await followGeneration(
    ctx,
    async (generationId) => {
      const sent = await ctx.call("chats.send", {
        chatId: options.chatId,
        text: options.text,
        generationId,
        ...(options.asCharacterId === undefined ? {} : { asCharacterId: options.asCharacterId }),
        options: {
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
          ...(options.lora === undefined ? {} : { lora: options.lora }),
        },
      });
      userMessageId = sent.userMessageId;
      return sent;
    },
    options.json,
  );
  if (!("message" in outcome)) return 2;
  const reply = outcome.message;
  if (options.json) {
    ctx.out(`${JSON.stringify({ chatId: started.chatId, userMessageId, reply: replyJson(reply) })}\n`);
  } else {
    ctx.out(reply.status === "stopped" ? "\n[stopped]\n" : "\n");
  }
  return 0;
}
