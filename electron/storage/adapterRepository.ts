/** LoRA adapters known to the model library (one row per file path). */
import type { AdapterInfo } from "../../shared/api/contract";
import { MasqueError } from "../../shared/errors";
import type { Database } from "./database";

interface AdapterRow {
  id: number;
  path: string;
  file_name: string;
  sha256: string;
  base_architecture: string;
  size_bytes: number;
  added_at: number;
}

const SELECT =
  "SELECT id, path, file_name, sha256, base_architecture, size_bytes, added_at FROM lora_adapters";

export class AdapterRepository {
  constructor(private readonly database: Database) {}

  list(): AdapterInfo[] {
    return (
      this.database.db.prepare(`${SELECT} ORDER BY file_name, id`).all() as unknown as AdapterRow[]
    ).map(toInfo);
  }

  get(id: number): AdapterInfo {
    const row = this.database.db.prepare(`${SELECT} WHERE id = ?`).get(id) as AdapterRow | undefined;
    if (!row) throw new MasqueError("NOT_FOUND", `LoRA adapter ${id} does not exist`, { adapterId: id });
    return toInfo(row);
  }

  byPath(path: string): AdapterInfo | null {
    const row = this.database.db.prepare(`${SELECT} WHERE path = ?`).get(path) as AdapterRow | undefined;
    return row ? toInfo(row) : null;
  }

  /** Adds the adapter, or updates the row of the same path (its file may have changed). */
  upsert(adapter: Omit<AdapterInfo, "id" | "addedAt">, now = Date.now()): AdapterInfo {
    this.database.db
      .prepare(
        `INSERT INTO lora_adapters (path, file_name, sha256, base_architecture, size_bytes, added_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(path) DO UPDATE SET file_name = excluded.file_name, sha256 = excluded.sha256,
           base_architecture = excluded.base_architecture, size_bytes = excluded.size_bytes`,
      )
      .run(adapter.path, adapter.fileName, adapter.sha256, adapter.baseArchitecture, adapter.sizeBytes, now);
    return this.byPath(adapter.path) as AdapterInfo;
  }

  delete(id: number): void {
    const result = this.database.db.prepare("DELETE FROM lora_adapters WHERE id = ?").run(id);
    if (result.changes === 0)
      throw new MasqueError("NOT_FOUND", `LoRA adapter ${id} does not exist`, { adapterId: id });
  }
}

function toInfo(row: AdapterRow): AdapterInfo {
  return {
    id: row.id,
    fileName: row.file_name,
    path: row.path,
    sha256: row.sha256,
    baseArchitecture: row.base_architecture,
    sizeBytes: row.size_bytes,
    addedAt: row.added_at,
  };
}
