/** `chats state CHAT_ID [--json] [--drop]`: the chat's KV-cache state saved on disk. */
import { idArgument, parseCommand } from "./args";
import type { CliContext } from "./context";

export async function chatStateCommand(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals, values } = parseCommand(
    args,
    { json: { type: "boolean" }, drop: { type: "boolean" } },
    { min: 1, max: 1 },
  );
  const chatId = idArgument(positionals[0], "CHAT_ID");
  const info = await ctx.call("chats.state", { chatId, ...(values.drop ? { drop: true } : {}) });
  if (values.json) {
    ctx.out(`${JSON.stringify(info, null, 2)}\n`);
  } else if (values.drop) {
    ctx.out(
      info.dropped ? `Forgot the saved state of chat ${chatId}.\n` : `Chat ${chatId} had no saved state.\n`,
    );
  } else if (!info.saved) {
    ctx.out(`Chat ${chatId} has no saved state.\n`);
  } else {
    const lora = info.lora.map((a) => `${a.fileName}:${a.scale}`).join(", ");
    ctx.out(
      `Chat ${chatId}: ${info.tokens} tokens, ${(info.bytes / 1024).toFixed(0)} KB, ` +
        `model ${info.model?.fileName}, context ${info.contextSize}, template ${info.template}` +
        `${lora ? `, LoRA ${lora}` : ""}\n`,
    );
  }
  return 0;
}
