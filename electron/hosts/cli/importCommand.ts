import { resolve } from "node:path";
import type { EventTypes } from "../../../shared/api/contract";
import type { ImportReport } from "../../../shared/domain/library";
import { fromApiError } from "../../../shared/errors";
import type { CliContext } from "./context";

export interface ImportOptions {
  file: string;
  format: "auto" | "pippa" | "card" | "sillytavern";
  json: boolean;
}

const PROGRESS_EVERY_MS = 1000;

/** `import FILE`: progress on stderr, the report on stdout; Ctrl+C cancels between batches. */
export async function importFile(ctx: CliContext, options: ImportOptions): Promise<number> {
  let importId: string | null = null;
  let settle: (outcome: { report: ImportReport } | { error: EventTypes["import.error"]["error"] }) => void =
    () => {};
  const outcome = new Promise<Parameters<typeof settle>[0]>((r) => {
    settle = r;
  });
  let lastPrinted = 0;
  const unsubscribe = ctx.core.subscribe((event, payload) => {
    const p = payload as { importId?: string };
    if (importId === null || p.importId !== importId) return;
    if (event === "import.progress") {
      const { bytesDone, bytesTotal, linesDone } = payload as EventTypes["import.progress"];
      const now = Date.now();
      if (now - lastPrinted < PROGRESS_EVERY_MS && bytesDone < bytesTotal) return;
      lastPrinted = now;
      const percent = bytesTotal > 0 ? Math.floor((bytesDone / bytesTotal) * 100) : 100;
      ctx.err(`importing: ${percent}% (${linesDone.toLocaleString("en")} lines)\n`);
    } else if (event === "import.done") {
      settle({ report: (payload as EventTypes["import.done"]).report });
    } else if (event === "import.error") {
      settle({ error: (payload as EventTypes["import.error"]).error });
    }
  });
  const cancel = () => {
    if (importId) void ctx.call("import.cancel", { importId }).catch(() => undefined);
  };
  process.on("SIGINT", cancel);
  try {
    const path = resolve(options.file);
    importId = (await ctx.call("import.start", { source: { path }, format: options.format })).importId;
    const result = await outcome;
    if ("error" in result) throw fromApiError(result.error);
    const r = result.report;
    for (const warning of r.warnings) ctx.err(`warning: ${warning}\n`);
    if (options.json) {
      const { format, characters, sessions, refused, refusedCount, elapsedMs } = r;
      ctx.out(`${JSON.stringify({ format, characters, sessions, refused, refusedCount, elapsedMs })}\n`);
    } else {
      ctx.out(
        `${r.cancelled ? "Import cancelled" : "Imported"} ${r.fileName} (${r.format}) in ${(r.elapsedMs / 1000).toFixed(1)} s\n` +
          `  characters: ${r.characters.created} created, ${r.characters.updated} updated\n` +
          `  sessions:   ${r.sessions.added} added, ${r.sessions.skipped} already present\n` +
          `  refused:    ${r.refusedCount} line${r.refusedCount === 1 ? "" : "s"}\n`,
      );
      for (const line of r.refused) ctx.out(`    line ${line.line}: ${line.reason}\n`);
      if (r.refusedCount > r.refused.length) ctx.out(`    … and ${r.refusedCount - r.refused.length} more\n`);
    }
    return r.cancelled ? 130 : 0;
  } finally {
    process.off("SIGINT", cancel);
    unsubscribe();
  }
}
