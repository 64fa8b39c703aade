/**
 * The model library's rows: models (one per file, a split model is one row), the folders the user
 * added for scanning, and downloads not yet finished.
 */
import type { ModelOrigin } from "../../shared/domain/modelLibrary";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

/** A model as stored: everything read from its header, nothing that depends on the moment. */
export interface ModelRecord {
  id: number;
  path: string;
  fileName: string;
  sizeBytes: number;
  parts: number;
  mtimeMs: number;
  sha256: string | null;
  verified: boolean;
  architecture: string | null;
  parameters: number | null;
  quantization: string | null;
  trainedContextSize: number | null;
  template: string | null;
  problem: string | null;
  origin: ModelOrigin;
  source: string;
  addedAt: number;
  lastUsedAt: number | null;
}

export type NewModel = Omit<ModelRecord, "id" | "addedAt" | "lastUsedAt">;

export interface DownloadRecord {
  uri: string;
  fileName: string | null;
  totalBytes: number;
  downloadedBytes: number;
  state: "running" | "paused" | "failed";
  /** The process running it, while it runs. */
  ownerPid: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  updatedAt: number;
}

interface ModelRow {
  id: number;
  path: string;
  file_name: string;
  size_bytes: number;
  parts: number;
  mtime_ms: number;
  sha256: string | null;
  verified: number;
  architecture: string | null;
  parameters: number | null;
  quantization: string | null;
  trained_context: number | null;
  template: string | null;
  problem: string | null;
  origin: ModelOrigin;
  source: string;
  added_at: number;
  last_used_at: number | null;
}

interface DownloadRow {
  uri: string;
  file_name: string | null;
  total_bytes: number;
  downloaded_bytes: number;
  state: DownloadRecord["state"];
  owner_pid: number | null;
  error_code: string | null;
  error_message: string | null;
  updated_at: number;
}

function toRecord(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    path: row.path,
    fileName: row.file_name,
    sizeBytes: row.size_bytes,
    parts: row.parts,
    mtimeMs: row.mtime_ms,
    sha256: row.sha256,
    verified: row.verified === 1,
    architecture: row.architecture,
    parameters: row.parameters,
    quantization: row.quantization,
    trainedContextSize: row.trained_context,
    template: row.template,
    problem: row.problem,
    origin: row.origin,
    source: row.source,
    addedAt: row.added_at,
    lastUsedAt: row.last_used_at,
  };
}

function toDownload(row: DownloadRow): DownloadRecord {
  return {
    uri: row.uri,
    fileName: row.file_name,
    totalBytes: row.total_bytes,
    downloadedBytes: row.downloaded_bytes,
    state: row.state,
    ownerPid: row.owner_pid,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    updatedAt: row.updated_at,
  };
}

export class ModelRepository {
  constructor(private readonly database: Database) {}

  list(): ModelRecord[] {
    const rows = this.database.db
      .prepare(
        "SELECT * FROM models ORDER BY last_used_at IS NULL, last_used_at DESC, file_name COLLATE NOCASE",
      )
      .all() as unknown as ModelRow[];
    return rows.map(toRecord);
  }

  get(id: number): ModelRecord {
    const row = this.database.db.prepare("SELECT * FROM models WHERE id = ?").get(id) as ModelRow | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `model ${id} is not in the library`, { modelId: id });
    return toRecord(row);
  }

  findByPath(path: string): ModelRecord | null {
    const row = this.database.db.prepare("SELECT * FROM models WHERE path = ?").get(path) as
      | ModelRow
      | undefined;
    return row ? toRecord(row) : null;
  }

  /**
   * Adds the model, or refreshes what its header says when the path is known. A model first found
   * in a folder and then downloaded keeps one row; the download's provenance (origin, source, the
   * verified hash) wins over a scan's.
   */
  upsert(model: NewModel, now = Date.now()): ModelRecord {
    return this.database.transaction(() => {
      const existing = this.findByPath(model.path);
      if (!existing) {
        const result = this.database.db
          .prepare(
            `INSERT INTO models (path, file_name, size_bytes, parts, mtime_ms, sha256, verified, architecture,
               parameters, quantization, trained_context, template, problem, origin, source, added_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            model.path,
            model.fileName,
            model.sizeBytes,
            model.parts,
            model.mtimeMs,
            model.sha256,
            model.verified ? 1 : 0,
            model.architecture,
            model.parameters,
            model.quantization,
            model.trainedContextSize,
            model.template,
            model.problem,
            model.origin,
            model.source,
            now,
          );
        return this.get(Number(result.lastInsertRowid));
      }
      const keepProvenance = existing.origin === "download" && model.origin !== "download";
      const unchangedFile = existing.sizeBytes === model.sizeBytes && existing.mtimeMs === model.mtimeMs;
      // A hash stays valid only while the file is the same size and age.
      const sha256 = model.sha256 ?? (unchangedFile ? existing.sha256 : null);
      const verified = model.sha256 !== null ? model.verified : unchangedFile && existing.verified;
      this.database.db
        .prepare(
          `UPDATE models SET file_name = ?, size_bytes = ?, parts = ?, mtime_ms = ?, sha256 = ?, verified = ?,
             architecture = ?, parameters = ?, quantization = ?, trained_context = ?, template = ?, problem = ?,
             origin = ?, source = ? WHERE id = ?`,
        )
        .run(
          model.fileName,
          model.sizeBytes,
          model.parts,
          model.mtimeMs,
          sha256,
          verified ? 1 : 0,
          model.architecture,
          model.parameters,
          model.quantization,
          model.trainedContextSize,
          model.template,
          model.problem,
          keepProvenance ? existing.origin : model.origin,
          keepProvenance ? existing.source : model.source,
          existing.id,
        );
      return this.get(existing.id);
    });
  }

  /** Records a hash computed in the background, unless the file changed meanwhile. */
  setSha256(id: number, sha256: string, sizeBytes: number, mtimeMs: number): boolean {
    const result = this.database.db
      .prepare("UPDATE models SET sha256 = ? WHERE id = ? AND size_bytes = ? AND mtime_ms = ?")
      .run(sha256, id, sizeBytes, mtimeMs);
    return result.changes > 0;
  }

  touch(id: number, now = Date.now()): void {
    this.database.db.prepare("UPDATE models SET last_used_at = ? WHERE id = ?").run(now, id);
  }

  delete(id: number): void {
    this.database.db.prepare("DELETE FROM models WHERE id = ?").run(id);
  }

  listFolders(): string[] {
    const rows = this.database.db.prepare("SELECT path FROM model_folders ORDER BY path").all() as {
      path: string;
    }[];
    return rows.map((r) => r.path);
  }

  addFolder(path: string, now = Date.now()): void {
    this.database.db
      .prepare("INSERT OR IGNORE INTO model_folders (path, added_at) VALUES (?, ?)")
      .run(path, now);
  }

  removeFolder(path: string): boolean {
    return this.database.db.prepare("DELETE FROM model_folders WHERE path = ?").run(path).changes > 0;
  }

  listDownloads(): DownloadRecord[] {
    const rows = this.database.db
      .prepare("SELECT * FROM model_downloads ORDER BY updated_at DESC")
      .all() as unknown as DownloadRow[];
    return rows.map(toDownload);
  }

  getDownload(uri: string): DownloadRecord | null {
    const row = this.database.db.prepare("SELECT * FROM model_downloads WHERE uri = ?").get(uri) as
      | DownloadRow
      | undefined;
    return row ? toDownload(row) : null;
  }

  saveDownload(download: DownloadRecord): void {
    this.database.db
      .prepare(
        `INSERT INTO model_downloads (uri, file_name, total_bytes, downloaded_bytes, state, owner_pid, error_code,
           error_message, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (uri) DO UPDATE SET file_name = excluded.file_name, total_bytes = excluded.total_bytes,
           downloaded_bytes = excluded.downloaded_bytes, state = excluded.state, owner_pid = excluded.owner_pid,
           error_code = excluded.error_code, error_message = excluded.error_message, updated_at = excluded.updated_at`,
      )
      .run(
        download.uri,
        download.fileName,
        download.totalBytes,
        download.downloadedBytes,
        download.state,
        download.ownerPid,
        download.errorCode,
        download.errorMessage,
        download.updatedAt,
      );
  }

  deleteDownload(uri: string): void {
    this.database.db.prepare("DELETE FROM model_downloads WHERE uri = ?").run(uri);
  }

  /**
   * A download recorded as running whose process is gone was cut short (quit, crash, kill -9):
   * it becomes paused. `isAlive` tells whether a process id still runs.
   */
  pauseInterruptedDownloads(isAlive: (pid: number) => boolean, now = Date.now()): void {
    for (const download of this.listDownloads()) {
      if (download.state !== "running" || (download.ownerPid !== null && isAlive(download.ownerPid)))
        continue;
      this.database.db
        .prepare(
          "UPDATE model_downloads SET state = 'paused', owner_pid = NULL, updated_at = ? WHERE uri = ?",
        )
        .run(now, download.uri);
    }
  }
}
