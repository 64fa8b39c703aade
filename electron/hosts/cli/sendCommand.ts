import type { EventName, EventTypes, GenerationStarted } from "../../../shared/api/contract";
import type { Message } from "../../../shared/domain/chat";
import { fromApiError } from "../../../shared/errors";
import type { CliContext } from "./context";

export interface SendOptions {
  chatId: number;
  text: string;
  model: string | undefined;
  maxTokens: number | undefined;
  seed: number | undefined;
  temperature: number | undefined;
  threads: number | undefined;
  json: boolean;
}

type GenerationEvent = { [E in EventName]: { event: E; payload: EventTypes[E] } }[EventName];
type Outcome = { message: Message } | { draft: string } | { error: EventTypes["generation.error"]["error"] };

/**
 * Runs one generation to its end: streams deltas to stdout (unless --json), Ctrl+C stops it (what
 * was generated is kept as a stopped message), and returns the stored message or the draft.
 */
export async function followGeneration(
  ctx: CliContext,
  start: () => Promise<GenerationStarted>,
  json: boolean,
): Promise<{ started: GenerationStarted; outcome: { message: Message } | { draft: string } }> {
  let generationId: string | null = null;
  const early: GenerationEvent[] = [];
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });
  const handle = (item: GenerationEvent) => {
    const payload = item.payload as { generationId?: string };
    if (payload.generationId !== generationId) return;
    if (item.event === "generation.delta" && !json) ctx.out(item.payload.text);
    else if (item.event === "generation.done") settle({ message: item.payload.message });
    else if (item.event === "generation.draft") settle({ draft: item.payload.text });
    else if (item.event === "generation.error") settle({ error: item.payload.error });
  };
  const unsubscribe = ctx.core.subscribe((event, payload) => {
    const item = { event, payload } as GenerationEvent;
    if (generationId === null) early.push(item);
    else handle(item);
  });
  const stop = () => {
    if (generationId !== null) void ctx.call("generation.abort", { generationId }).catch(() => undefined);
  };
  process.on("SIGINT", stop);
  try {
    const started = await start();
    generationId = started.generationId;
    for (const item of early.splice(0)) handle(item);
    const result = await outcome;
    if ("error" in result) throw fromApiError(result.error);
    return { started, outcome: result };
  } finally {
    process.off("SIGINT", stop);
    unsubscribe();
  }
}

/** The documented `--json` shape of a reply. */
export function replyJson(message: Message) {
  return { id: message.id, text: message.text, stopReason: message.stopReason, stats: message.stats };
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
    async () => {
      const sent = await ctx.call("chats.send", {
        chatId: options.chatId,
        text: options.text,
        options: {
          ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
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
