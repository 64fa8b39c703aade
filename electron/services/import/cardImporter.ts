import { createHash } from "node:crypto";
import type { ImportReport } from "../../../shared/domain/library";
import type { CharacterRepository, StoredAsset } from "../../storage/characterRepository";
import type { Database } from "../../storage/database";
import { parseCardFile } from "../cards";

/**
 * Imports one character card (JSON, PNG or CHARX). The same file imported twice updates the
 * character it created instead of making a copy. Assets are stored in the database, never as files.
 */
export function importCardFile(
  bytes: Uint8Array,
  fileName: string,
  database: Database,
  characters: CharacterRepository,
): ImportReport {
  const started = performance.now();
  const parsed = parseCardFile(bytes, fileName);
  const sourceKey = `card:${createHash("sha256").update(bytes).digest("base64url")}`;
  const assets: StoredAsset[] = [
    ...(parsed.avatar ? [{ kind: "avatar" as const, path: "avatar", ...parsed.avatar }] : []),
    ...parsed.assets.map((a) => ({ kind: "asset" as const, ...a })),
  ];
  const { id, created } = database.transaction(() => {
    const existing = characters.findIdBySourceKey(sourceKey);
    let id = existing;
    if (id === null) id = characters.create(parsed.card, { source: "card", sourceKey }).id;
    else characters.replaceCard(id, parsed.card);
    characters.setAssets(id, assets);
    return { id, created: existing === null };
  });
  return {
    format: "card",
    fileName,
    characters: { created: created ? 1 : 0, updated: created ? 0 : 1 },
    sessions: { added: 0, skipped: 0 },
    refused: [],
    refusedCount: 0,
    warnings: parsed.warnings,
    characterIds: [id],
    cancelled: false,
    elapsedMs: Math.round(performance.now() - started),
  };
}
