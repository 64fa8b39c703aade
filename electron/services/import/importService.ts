/**
 * Imports run in the background: `start` returns an id at once, progress and the final report
 * arrive as events, `cancel` stops between batches. Files come from a path (CLI, Electron) or from
 * an upload the web host stored in the data directory (deleted once the import ends).
 */
import { randomUUID } from "node:crypto";
import { readFile, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { ParsedRequestOf } from "../../../shared/api/contract";
import type { ImportFormat, ImportReport } from "../../../shared/domain/library";
import { MasqueError, toApiError } from "../../../shared/errors";
import { formatBytes } from "../../../shared/format/bytes";
import type { CharacterRepository } from "../../storage/characterRepository";
import type { Database } from "../../storage/database";
import type { ReferenceSessionRepository } from "../../storage/referenceSessionRepository";
import { CARD_LIMITS } from "../cards/limits";
import type { EventBus } from "../eventBus";
import { importCardFile } from "./cardImporter";
import { detectImportFormat } from "./detectFormat";
import { importPippaFile } from "./pippaImporter";
import { importSillyTavernFile } from "./sillyTavernImport";

const PROGRESS_INTERVAL_MS = 100;

export class ImportService {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly finished: string[] = [];

  constructor(
    private readonly database: Database,
    private readonly characters: CharacterRepository,
    private readonly sessions: ReferenceSessionRepository,
    private readonly events: EventBus,
    readonly uploadsDir: string,
  ) {}

  async start(input: ParsedRequestOf<"import.start">): Promise<{ importId: string }> {
    const upload = "uploadId" in input.source;
    const path =
      "path" in input.source ? input.source.path : join(this.uploadsDir, `${input.source.uploadId}.upload`);
    const fileName = input.fileName ?? basename(path);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile()) {
      throw new MasqueError(
        "NOT_FOUND",
        upload ? `upload ${fileName} does not exist` : `no such file: ${path}`,
      );
    }
    const format: ImportFormat =
      input.format && input.format !== "auto" ? input.format : await detectImportFormat(path, fileName);
    const importId = randomUUID();
    const controller = new AbortController();
    const done = this.run(importId, { path, fileName, format }, controller.signal).finally(async () => {
      this.running.delete(importId);
      this.finished.push(importId);
      if (upload) await rm(path, { force: true });
    });
    this.running.set(importId, { controller, done });
    return { importId };
  }

  cancel(importId: string): { cancelled: boolean } {
    const run = this.running.get(importId);
    if (run) {
      run.controller.abort();
      return { cancelled: true };
    }
    if (this.finished.includes(importId)) return { cancelled: false };
    throw new MasqueError("NOT_FOUND", `import ${importId} does not exist`);
  }

  /** Resolves when the import has ended (for the CLI and tests). */
  async settled(importId: string): Promise<void> {
    await this.running.get(importId)?.done;
  }

  async cancelAll(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort();
    await Promise.all(runs.map((r) => r.done));
  }

  private async run(
    importId: string,
    file: { path: string; fileName: string; format: ImportFormat },
    signal: AbortSignal,
  ): Promise<void> {
    let lastProgress = 0;
    try {
      let report: ImportReport;
      if (file.format === "pippa") {
        report = await importPippaFile({
          ...file,
          database: this.database,
          characters: this.characters,
          sessions: this.sessions,
          signal,
          onProgress: (p) => {
            const now = performance.now();
            if (now - lastProgress < PROGRESS_INTERVAL_MS && p.bytesDone < p.bytesTotal) return;
            lastProgress = now;
            this.events.emit("import.progress", { importId, ...p });
          },
        });
      } else if (file.format === "sillytavern") {
        report = await importSillyTavernFile({
          ...file,
          database: this.database,
          characters: this.characters,
        });
      } else {
        const { size } = await stat(file.path);
        if (size > CARD_LIMITS.fileBytes) {
          throw new MasqueError(
            "CARD_INVALID",
            `${file.fileName}: the file is ${formatBytes(size)}; the limit is ${formatBytes(CARD_LIMITS.fileBytes)} for a card file`,
          );
        }
        const bytes = await readFile(file.path);
        report = importCardFile(bytes, file.fileName, this.database, this.characters);
      }
      this.events.emit("import.done", { importId, report });
    } catch (error) {
      const apiError = toApiError(error);
      // An exception no check anticipated is a bug, not a fault of the file: it still reaches the
      // user as IMPORT_FAILED, marked so that tests (and bug reports) can tell it apart.
      const failure =
        apiError.code === "INTERNAL"
          ? {
              code: "IMPORT_FAILED" as const,
              message: `${file.fileName}: ${apiError.message}`,
              details: { unexpected: true },
            }
          : apiError;
      this.events.emit("import.error", { importId, error: failure });
    }
  }
}
