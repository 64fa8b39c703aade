import type { EventName, EventTypes } from "../../../shared/api/contract";
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

/**
 * `chats send`: streams the reply to stdout (or prints one JSON document with --json). Ctrl+C
 * stops the reply; what was generated is kept as a stopped message.
 */
export async function sendMessage(ctx: CliContext, options: SendOptions): Promise<number> {
  if (options.model !== undefined || options.threads !== undefined) {
    await ctx.call("model.load", {
      ...(options.model === undefined ? {} : { path: options.model }),
      ...(options.threads === undefined ? {} : { threads: options.threads }),
      remember: false,
    });
  }

  let generationId: string | null = null;
  const early: GenerationEvent[] = [];
  let settle: (outcome: { message: Message } | { error: EventTypes["generation.error"]["error"] }) => void =
    () => {};
  const outcome = new Promise<Parameters<typeof settle>[0]>((resolve) => {
    settle = resolve;
  });
  const handle = (item: GenerationEvent) => {
    if (item.event === "generation.delta" && item.payload.generationId === generationId) {
      if (!options.json) ctx.out(item.payload.text);
    } else if (item.event === "generation.done" && item.payload.generationId === generationId) {
      settle({ message: item.payload.message });
    } else if (item.event === "generation.error" && item.payload.generationId === generationId) {
      settle({ error: item.payload.error });
    }
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
    const sent = await ctx.call("chats.send", {
      chatId: options.chatId,
      text: options.text,
      options: {
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
        ...(options.seed === undefined ? {} : { seed: options.seed }),
        ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      },
    });
    generationId = sent.generationId;
    for (const item of early.splice(0)) handle(item);
    const result = await outcome;
    if ("error" in result) throw fromApiError(result.error);
    const reply = result.message;
    if (options.json) {
      ctx.out(
        `${JSON.stringify({
          chatId: sent.chatId,
          userMessageId: sent.userMessageId,
          reply: { id: reply.id, text: reply.text, stopReason: reply.stopReason, stats: reply.stats },
        })}\n`,
      );
    } else {
      ctx.out(reply.status === "stopped" ? "\n[stopped]\n" : "\n");
    }
    return 0;
  } finally {
    process.off("SIGINT", stop);
    unsubscribe();
  }
}
