/** Checks of what an evaluation is asked to read, before any run is stored. */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { PerplexitySelection } from "../../../shared/domain/eval";
import { MasqueError } from "../../../shared/errors";
import { findTemplate } from "../../../shared/prompt/template";
import type { SourceRepositories } from "./evalSources";

/** Every character and chat named exists (NOT_FOUND otherwise). */
export function checkSelection(
  repos: SourceRepositories,
  selection: { characterIds?: number[]; chatIds?: number[] },
): void {
  for (const id of selection.characterIds ?? []) repos.characters.get(id);
  for (const id of selection.chatIds ?? []) repos.chats.getChat(id);
}

/** Refuses a perplexity selection with nothing in it to score; resolves the text file's path. */
export function checkScorable(repos: SourceRepositories, selection: PerplexitySelection): void {
  if (selection.textFile !== undefined) {
    const file = resolve(selection.textFile);
    if (!existsSync(file) || !statSync(file).isFile())
      throw new MasqueError("NOT_FOUND", `textFile: ${file} does not exist`, { field: "textFile" });
    selection.textFile = file;
  }
  const empty = (selection.characterIds ?? []).filter((id) => repos.sessions.list(id).length === 0);
  if (empty.length > 0)
    throw new MasqueError(
      "INVALID_INPUT",
      `characterIds: character ${empty.join(", ")} has no reference sessions to score (import its PIPPA sessions first)`,
      { field: "characterIds" },
    );
}

export function checkTemplate(templateId: string, field = "templateId"): void {
  if (templateId !== "auto" && templateId !== "model" && !findTemplate(templateId))
    throw new MasqueError("INVALID_INPUT", `${field}: unknown template "${templateId}"`, { field });
}
