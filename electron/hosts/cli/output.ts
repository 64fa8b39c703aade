/** What every CLI command prints or writes the same way. */
import { writeFile } from "node:fs/promises";
import type { CliContext } from "./context";

/** A `--json` answer: pretty-printed, one value. */
export function printJson(ctx: CliContext, value: unknown): void {
  ctx.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Writes a file the core produced (an export: `{dataBase64}`) to `path`. */
export async function writeExportedFile(path: string, file: { dataBase64: string }): Promise<void> {
  await writeFile(path, Buffer.from(file.dataBase64, "base64"));
}
