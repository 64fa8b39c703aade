/**
 * The API contract: every request (name, input schema, output type) and every event.
 * Each host (Electron IPC, the web host, the CLI) derives its handlers from `REQUEST_SCHEMAS`,
 * and tests assert that each host covers every method.
 */
import { z } from "zod";
import {
  BACKEND_KINDS,
  type BackendInfo,
  type BackendTestResult,
  backendNameSchema,
  LOCAL_BACKEND,
} from "../domain/backend";
import type { CharacterRecord, CharacterSummary } from "../domain/card";
import type { ChatSummary, ChatView, GenerationKind, Message } from "../domain/chat";
import type {
  AbNext,
  AbReport,
  AbVote,
  EvalProgress,
  EvalRunDetail,
  EvalRunKind,
  EvalRunStatus,
  EvalRunSummary,
  ReplyStatsReport,
  RunComparison,
} from "../domain/eval";
import { MAX_GROUP_MEMBERS } from "../domain/group";
import type {
  ExportedFile,
  ImportProgress,
  ImportReport,
  ReferenceSession,
  ReferenceSessionSummary,
  RefusedLine,
  TagCount,
} from "../domain/library";
import type {
  ActiveLorebook,
  ChatAuthorNote,
  LorebookImport,
  LorebookRecord,
  LorebookSummary,
  LoreEntryView,
} from "../domain/lore";
import type { ModelStatus } from "../domain/model";
import type {
  CatalogEntry,
  DownloadInfo,
  DownloadProgress,
  FitEstimate,
  HubTokenStatus,
  ModelEntry,
  PerModelSettings,
} from "../domain/modelLibrary";
import { type ChatPersona, PERSONA_DESCRIPTION_MAX, PERSONA_NAME_MAX, type Persona } from "../domain/persona";
import type { PromptLoreReport } from "../domain/promptLore";
import { type Settings, settingsPatchSchema } from "../domain/settings";
import type { ApiError } from "../errors";
import type { FlaggedSpan, NameReplacement, RedactionCounts } from "../redaction/types";
import { jsonValueProblem } from "./jsonValue";

/** Longest message a user can send, in characters. Longer text is refused, never truncated. */
export const MAX_MESSAGE_CHARS = 65_536;

const id = z.number().int().positive();
const shortText = (max: number) => z.string().max(max);

/** How many adapters may be attached at once. */
export const MAX_ADAPTERS = 8;
const loraScale = z.number().min(-10).max(10);
const loraFileSchema = z.object({ path: z.string().min(1).max(4096), scale: loraScale }).strict();
/** An adapter of the library with its scale (per chat or global). */
export const loraChoiceSchema = z.object({ adapterId: id, scale: loraScale }).strict();

export const generationOptionsSchema = z
  .object({
    maxTokens: z.number().int().min(1).max(8192).optional(),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1)
      .optional(),
    temperature: z.number().min(0).max(5).optional(),
    /** LoRA adapter files for this generation (added to the library if new); replaces the chat's and the global set. */
    lora: z.array(loraFileSchema).max(MAX_ADAPTERS).optional(),
  })
  .strict();
export type GenerationOptions = z.infer<typeof generationOptionsSchema>;

/**
 * The caller may name the generation it starts (a UUID): it then knows the id before any event of
 * that generation can reach it. Without one the core picks an id and returns it.
 */
const generationIdSchema = z.uuid("generationId must be a UUID").optional();

const cardText = (max: number) => z.string().max(max);
/** A free-form object stored as JSON: refused when too deep or holding what JSON cannot carry. */
const jsonRecord = z.record(z.string(), z.unknown()).superRefine((value, ctx) => {
  const problem = jsonValueProblem(value);
  if (problem !== null) ctx.addIssue({ code: "custom", message: problem });
});

/** The card fields the editor may change; `extensions` and `character_book` are replaced whole. */
export const cardDataPatchSchema = z
  .object({
    name: z.string().trim().min(1, "name must not be empty").max(200),
    description: cardText(200_000),
    personality: cardText(50_000),
    scenario: cardText(50_000),
    first_mes: cardText(50_000),
    mes_example: cardText(200_000),
    creator_notes: cardText(50_000),
    system_prompt: cardText(50_000),
    post_history_instructions: cardText(50_000),
    alternate_greetings: z.array(cardText(50_000)).max(200),
    tags: z.array(z.string().trim().min(1).max(100)).max(200),
    creator: cardText(500),
    character_version: cardText(200),
    extensions: jsonRecord,
    character_book: jsonRecord.nullable(),
  })
  .partial()
  .strict();
export type CardDataPatch = z.infer<typeof cardDataPatchSchema>;

// ---- Contribute back: PIPPA / Metharme / SillyTavern export, redaction review, PIPPA validation ----

/** Which chats to export: by id, every chat of some characters, or every chat. */
export type ExportSelection = { chatIds: number[] } | { characterIds: number[] } | { all: true };

const exportSelectionSchema = z
  .object({
    chatIds: z.array(id).min(1, "select at least one chat").max(100_000).optional(),
    characterIds: z.array(id).min(1, "select at least one character").max(100_000).optional(),
    all: z.literal(true).optional(),
  })
  .strict()
  .refine(
    (s) => [s.chatIds, s.characterIds, s.all].filter((v) => v !== undefined).length === 1,
    "give exactly one of chatIds, characterIds or all",
  );
/** Other names the user goes by, redacted like the display name. */
const aliasesSchema = z.array(z.string().trim().min(1).max(200)).max(100).optional();
/** Flagged span ids to replace (from `export.preview`), or "all". Others are written as they are. */
const acceptFlaggedSchema = z.union([z.literal("all"), z.array(z.string().min(1).max(200)).max(1_000_000)]);

const EXPORT_REQUEST_SCHEMAS = {
  "export.preview": z.object({ selection: exportSelectionSchema, aliases: aliasesSchema }).strict(),
  "export.pippa": z
    .object({ selection: exportSelectionSchema, aliases: aliasesSchema, acceptFlagged: acceptFlaggedSchema })
    .strict(),
  "export.metharme": z
    .object({
      selection: exportSelectionSchema,
      aliases: aliasesSchema,
      acceptFlagged: acceptFlaggedSchema,
      /** One record per reply (default) or per chat. */
      mode: z.enum(["turn", "chat"]).optional(),
    })
    .strict(),
  "export.sillytavern": z.object({ chatId: id }).strict(),
  /** Strict: Masque's own rules (extra keys, string timestamps, odd ids are errors, not warnings). */
  "files.validatePippa": z
    .object({ path: z.string().min(1).max(4096), strict: z.boolean().optional() })
    .strict(),
} as const;

/** Everything the review screen shows before anything is written. */
export interface ExportPreview {
  chats: number;
  messages: number;
  /** Chats of the selection left out because they hold no message from the user. */
  skippedChats: number[];
  /** The names replaced by `{{user}}`, longest first. */
  names: string[];
  replacements: NameReplacement[];
  flagged: FlaggedSpan[];
  warnings: string[];
}

export interface DatasetExport extends ExportedFile {
  chats: number;
  messages: number;
  redactions: RedactionCounts;
}

export interface PippaExport extends DatasetExport {
  flagged: (FlaggedSpan & { accepted: boolean })[];
}

export interface MetharmeExport extends DatasetExport {
  records: number;
}

export interface PippaValidation {
  /** Lines read, blank ones included. */
  lines: number;
  valid: number;
  /** At most 1,000 of each; the counts have them all. Line 0 is the whole file. */
  invalid: RefusedLine[];
  warnings: RefusedLine[];
  invalidCount: number;
  warningCount: number;
}

interface ExportResponseTypes {
  "export.preview": ExportPreview;
  "export.pippa": PippaExport;
  "export.metharme": MetharmeExport;
  "export.sillytavern": ExportedFile;
  "files.validatePippa": PippaValidation;
}
// ---- end of contribute back ----

// ---- Personas, lorebooks, author's notes ----

const personaFields = {
  name: z.string().trim().min(1, "name must not be empty").max(PERSONA_NAME_MAX),
  description: z.string().max(PERSONA_DESCRIPTION_MAX),
  /** Where the description goes: the prompt's prefix, or `depth` messages from the end. */
  position: z.enum(["prefix", "depth"]),
  depth: z.number().int().min(0).max(1000),
};
const imageSchema = z
  .object({
    mimeType: z
      .string()
      .regex(/^image\/(png|jpeg|webp|gif)$/, "the avatar must be a PNG, JPEG, WebP or GIF image"),
    dataBase64: z.string().min(1).max(20_000_000),
  })
  .strict();

const lorePositionSchema = z.discriminatedUnion("at", [
  z.object({ at: z.literal("before-character") }).strict(),
  z.object({ at: z.literal("after-character") }).strict(),
  z.object({ at: z.literal("note-top") }).strict(),
  z.object({ at: z.literal("note-bottom") }).strict(),
  z.object({ at: z.literal("examples-top") }).strict(),
  z.object({ at: z.literal("examples-bottom") }).strict(),
  z
    .object({
      at: z.literal("depth"),
      depth: z.number().int().min(0).max(10_000),
      role: z.enum(["system", "user", "character"]),
    })
    .strict(),
]);

const loreKeys = z.array(z.string().max(1000)).max(500);

/** An entry as the editor sends it; absent fields keep their value (or the default, for a new entry). */
export const loreEntryInputSchema = z
  .object({
    /** Absent: a new entry. */
    uid: z.number().int().min(0).optional(),
    name: z.string().max(1000),
    keys: loreKeys,
    secondaryKeys: loreKeys,
    selective: z.boolean(),
    logic: z.enum(["and-any", "not-all", "not-any", "and-all"]),
    content: z.string().max(200_000),
    enabled: z.boolean(),
    constant: z.boolean(),
    caseSensitive: z.boolean().nullable(),
    wholeWords: z.boolean().nullable(),
    insertionOrder: z.number().finite(),
    priority: z.number().finite().nullable(),
    position: lorePositionSchema,
    probability: z.number().min(0).max(100),
    scanDepth: z.number().int().min(0).max(1000).nullable(),
    excludeRecursion: z.boolean(),
    preventRecursion: z.boolean(),
    delayUntilRecursion: z.number().int().min(0).max(100),
    extensions: z.record(z.string(), z.unknown()),
  })
  .partial()
  .strict();
export type LoreEntryInput = z.infer<typeof loreEntryInputSchema>;

const attachmentSchema = {
  id,
  scope: z.enum(["global", "character", "chat"]),
  /** The character or chat (not for "global"). */
  targetId: id.optional(),
};

export const authorNoteSchema = z
  .object({
    text: z.string().max(20_000),
    depth: z.number().int().min(0).max(1000),
    every: z.number().int().min(1).max(1000),
  })
  .strict();

const LORE_REQUEST_SCHEMAS = {
  "personas.list": z.object({}).strict(),
  "personas.get": z.object({ id }).strict(),
  "personas.create": z
    .object({
      name: personaFields.name,
      description: personaFields.description.optional(),
      position: personaFields.position.optional(),
      depth: personaFields.depth.optional(),
      avatar: imageSchema.optional(),
      /** Make it the default persona for new chats. */
      makeDefault: z.boolean().optional(),
    })
    .strict(),
  "personas.update": z
    .object({
      id,
      name: personaFields.name.optional(),
      description: personaFields.description.optional(),
      position: personaFields.position.optional(),
      depth: personaFields.depth.optional(),
      /** null removes the avatar. */
      avatar: imageSchema.nullable().optional(),
    })
    .strict(),
  "personas.delete": z.object({ id }).strict(),
  /** The default persona for new chats (null: none). */
  "personas.setDefault": z.object({ id: id.nullable() }).strict(),
  "personas.avatar": z.object({ id }).strict(),
  "personas.forChat": z.object({ chatId: id }).strict(),
  /** null: the chat follows the default persona. */
  "personas.setForChat": z.object({ chatId: id, personaId: id.nullable() }).strict(),
  "lorebooks.list": z.object({}).strict(),
  "lorebooks.get": z.object({ id }).strict(),
  "lorebooks.create": z
    .object({
      name: z.string().trim().min(1, "name must not be empty").max(200),
      description: z.string().max(20_000).optional(),
    })
    .strict(),
  "lorebooks.update": z
    .object({
      id,
      name: z.string().trim().min(1, "name must not be empty").max(200).optional(),
      description: z.string().max(20_000).optional(),
      scanDepth: z.number().int().min(0).max(1000).nullable().optional(),
      tokenBudget: z.number().int().min(0).max(262_144).nullable().optional(),
      recursiveScanning: z.boolean().nullable().optional(),
    })
    .strict(),
  "lorebooks.delete": z.object({ id }).strict(),
  /** SillyTavern world info, a card book (V2/V3), or a character card whose embedded book is taken. */
  "lorebooks.import": z
    .object({
      source: z.union([
        z.object({ path: z.string().min(1).max(4096) }).strict(),
        z.object({ uploadId: z.string().regex(/^[a-f0-9-]{36}$/, "not an upload id") }).strict(),
      ]),
      fileName: z.string().max(500).optional(),
    })
    .strict(),
  "lorebooks.export": z.object({ id, format: z.enum(["worldinfo", "character_book"]) }).strict(),
  "lorebooks.saveEntry": z.object({ lorebookId: id, entry: loreEntryInputSchema }).strict(),
  "lorebooks.deleteEntry": z.object({ lorebookId: id, uid: z.number().int().min(0) }).strict(),
  "lorebooks.attach": z.object(attachmentSchema).strict(),
  "lorebooks.detach": z.object(attachmentSchema).strict(),
  /** The books active in a chat: global, the character's, the chat's, and the card's own. */
  "lorebooks.forChat": z.object({ chatId: id }).strict(),
  "notes.get": z.object({ chatId: id }).strict(),
  /** null: the chat follows the settings' default note. */
  "notes.set": z.object({ chatId: id, note: authorNoteSchema.nullable() }).strict(),
} as const;

interface LoreResponseTypes {
  "personas.list": Persona[];
  "personas.get": Persona;
  "personas.create": Persona;
  "personas.update": Persona;
  "personas.delete": { deleted: true };
  "personas.setDefault": Persona | null;
  "personas.avatar": { mimeType: string; dataBase64: string } | null;
  "personas.forChat": ChatPersona;
  "personas.setForChat": ChatPersona;
  "lorebooks.list": LorebookSummary[];
  "lorebooks.get": LorebookRecord;
  "lorebooks.create": LorebookRecord;
  "lorebooks.update": LorebookRecord;
  "lorebooks.delete": { deleted: true };
  "lorebooks.import": LorebookImport;
  "lorebooks.export": ExportedFile;
  "lorebooks.saveEntry": LoreEntryView;
  "lorebooks.deleteEntry": { deleted: true };
  "lorebooks.attach": LorebookSummary;
  "lorebooks.detach": LorebookSummary;
  "lorebooks.forChat": ActiveLorebook[];
  "notes.get": ChatAuthorNote;
  "notes.set": ChatAuthorNote;
}
// ---- end of personas, lorebooks, author's notes ----

// ---- Remote backends ----

const BACKEND_REQUEST_SCHEMAS = {
  "backends.list": z.object({}).strict(),
  /** Adds a backend, or replaces the one of that name. `apiKey` is kept encrypted (desktop app only). */
  "backends.add": z
    .object({
      name: backendNameSchema,
      kind: z.enum(BACKEND_KINDS),
      url: z.string().min(1).max(2000),
      model: z.string().min(1).max(500).optional(),
      apiKeyEnv: z.string().min(1).max(100).optional(),
      apiKey: z.string().min(1).max(4096).optional(),
      allowPlainHttp: z.boolean().optional(),
      tokenizerModel: z.string().min(1).max(4096).optional(),
    })
    .strict(),
  /** Connects to a backend and reports what it serves (it need not be the active one). */
  "backends.test": z.object({ name: backendNameSchema }).strict(),
  /** Makes a backend (or "local") the one every generation uses. */
  "backends.use": z.object({ name: z.union([z.literal(LOCAL_BACKEND), backendNameSchema]) }).strict(),
  "backends.remove": z.object({ name: backendNameSchema }).strict(),
} as const;

interface BackendResponseTypes {
  "backends.list": BackendInfo[];
  "backends.add": BackendInfo;
  "backends.test": BackendTestResult;
  "backends.use": { active: string };
  "backends.remove": { deleted: true; active: string };
}
// ---- end of remote backends ----
// ---- Model workbench: perplexity runs, comparison, blind A/B, reply statistics ----

const runId = id;
const modelPath = z.string().min(1, "model must not be empty").max(4096);
const idList = (what: string) => z.array(id).min(1, `select at least one ${what}`).max(10_000);

const EVAL_REQUEST_SCHEMAS = {
  /** Starts a run and returns its id; progress, the end and failures come as eval.* events. */
  "eval.perplexity": z
    .object({
      model: modelPath,
      characterIds: idList("character").optional(),
      chatIds: idList("chat").optional(),
      textFile: z.string().min(1).max(4096).optional(),
      sessions: z.number().int().min(1).max(100_000).optional(),
      maxTokensScored: z.number().int().min(1).max(1_000_000_000).optional(),
      contextSize: z.number().int().min(16).max(262_144).optional(),
      templateId: z.string().min(1).max(40).optional(),
      /** LoRA adapter files on the model ("base + adapter at scale s"), in order. */
      lora: z.array(loraFileSchema).max(MAX_ADAPTERS).optional(),
    })
    .strict()
    .refine(
      (s) => [s.characterIds, s.chatIds, s.textFile].filter((v) => v !== undefined).length === 1,
      "give exactly one of characterIds, chatIds or textFile",
    ),
  "eval.runs": z.object({ kind: z.enum(["perplexity", "ab"]).optional() }).strict(),
  "eval.run": z.object({ runId }).strict(),
  "eval.cancel": z.object({ runId }).strict(),
  "eval.compare": z.object({ runIds: z.array(runId).min(2, "compare at least two runs").max(50) }).strict(),
  "eval.export": z.object({ runId, format: z.enum(["json", "csv", "markdown"]) }).strict(),
  "eval.abNew": z
    .object({
      contestants: z
        .array(
          z
            .object({
              model: modelPath,
              templateId: z.string().min(1).max(40).optional(),
              preset: z.string().trim().min(1).max(60).optional(),
              lora: z.array(loraFileSchema).max(MAX_ADAPTERS).optional(),
            })
            .strict(),
        )
        .min(2, "an A/B run needs at least two contestants")
        .max(12),
      characterIds: idList("character").optional(),
      chatIds: idList("chat").optional(),
      items: z.number().int().min(1).max(1000).optional(),
      seed: z
        .number()
        .int()
        .min(0)
        .max(2 ** 31 - 1)
        .optional(),
      maxTokens: z.number().int().min(1).max(2048).optional(),
    })
    .strict()
    .refine(
      (s) => (s.characterIds === undefined) !== (s.chatIds === undefined),
      "give exactly one of characterIds or chatIds",
    ),
  "eval.abNext": z.object({ runId }).strict(),
  "eval.abVote": z
    .object({ runId, item: z.number().int().min(1), vote: z.enum(["a", "b", "tie", "bad"]) })
    .strict(),
  "eval.abReport": z.object({ runId }).strict(),
  "eval.stats": z
    .object({ abRunId: runId.optional(), chatIds: idList("chat").optional() })
    .strict()
    .refine(
      (s) => (s.abRunId === undefined) !== (s.chatIds === undefined),
      "give exactly one of abRunId or chatIds",
    ),
} as const;

interface EvalResponseTypes {
  "eval.perplexity": { runId: number };
  "eval.runs": EvalRunSummary[];
  "eval.run": EvalRunDetail;
  "eval.cancel": { cancelled: boolean };
  "eval.compare": RunComparison;
  "eval.export": ExportedFile;
  "eval.abNew": { runId: number; items: number };
  "eval.abNext": AbNext;
  "eval.abVote": { item: number; vote: AbVote; remaining: number };
  "eval.abReport": AbReport;
  "eval.stats": ReplyStatsReport;
}
// ---- end of model workbench ----

export const REQUEST_SCHEMAS = {
  "app.info": z.object({}).strict(),
  "characters.list": z
    .object({
      search: shortText(200).optional(),
      tag: shortText(200).optional(),
      sort: z.enum(["name", "recent", "imported"]).optional(),
    })
    .strict(),
  "characters.tags": z.object({}).strict(),
  "characters.get": z.object({ id }).strict(),
  "characters.create": z
    .object({
      name: z.string().trim().min(1, "name must not be empty").max(200),
      description: shortText(200_000).optional(),
      personality: shortText(50_000).optional(),
      scenario: shortText(50_000).optional(),
      greeting: shortText(50_000).optional(),
      exampleDialogue: shortText(200_000).optional(),
      tags: z.array(z.string().trim().min(1).max(100)).max(100).optional(),
    })
    .strict(),
  "characters.update": z.object({ id, data: cardDataPatchSchema }).strict(),
  "characters.delete": z.object({ id }).strict(),
  "characters.export": z.object({ id, format: z.enum(["v2", "v3", "png", "charx"]) }).strict(),
  "characters.avatar": z.object({ id }).strict(),
  "import.start": z
    .object({
      source: z.union([
        z.object({ path: z.string().min(1).max(4096) }).strict(),
        z.object({ uploadId: z.string().regex(/^[a-f0-9-]{36}$/, "not an upload id") }).strict(),
      ]),
      /** The name to show in reports (defaults to the file's base name). */
      fileName: shortText(500).optional(),
      format: z.enum(["auto", "pippa", "card", "sillytavern"]).optional(),
    })
    .strict(),
  "import.cancel": z.object({ importId: z.string().min(1).max(100) }).strict(),
  "sessions.list": z.object({ characterId: id }).strict(),
  "sessions.get": z.object({ sessionId: id }).strict(),
  "chats.list": z.object({ characterId: id.optional() }).strict(),
  /** `otherCharacterIds`: more characters, making a group chat (the greeting is the first character's). */
  "chats.create": z
    .object({
      characterId: id,
      otherCharacterIds: z
        .array(id)
        .max(MAX_GROUP_MEMBERS - 1)
        .optional(),
    })
    .strict(),
  /** Adds a character to a chat (a one-to-one chat becomes a group chat). */
  "chats.addMember": z.object({ chatId: id, characterId: id }).strict(),
  /** Mutes, unmutes, sets the talkativeness of (null: the card's), or removes a group chat's member. */
  "chats.setMember": z
    .object({
      chatId: id,
      characterId: id,
      muted: z.boolean().optional(),
      talkativeness: z.number().min(0).max(1).nullable().optional(),
      remove: z.literal(true).optional(),
    })
    .strict(),
  /** `limit`: only the last N messages of the active path (default: all of it). */
  "chats.get": z.object({ chatId: id, limit: z.number().int().min(1).max(100_000).optional() }).strict(),
  /** Earlier messages of the active path, for a chat opened with `limit`: the `limit` before `beforeId`. */
  "chats.messages": z
    .object({ chatId: id, beforeId: id, limit: z.number().int().min(1).max(10_000).optional() })
    .strict(),
  "chats.send": z
    .object({
      chatId: id,
      text: z
        .string()
        .max(MAX_MESSAGE_CHARS, `message is longer than ${MAX_MESSAGE_CHARS} characters`)
        .refine((t) => t.trim().length > 0, "message must not be empty"),
      options: generationOptionsSchema.optional(),
      generationId: generationIdSchema,
      /** Group chats: the character who answers (default: the chat's speaking order). */
      asCharacterId: id.optional(),
    })
    .strict(),
  "chats.regenerate": z
    .object({
      chatId: id,
      messageId: id.optional(),
      options: generationOptionsSchema.optional(),
      generationId: generationIdSchema,
      /** Group chats: who writes the new swipe (default: the writer of the message swiped). */
      asCharacterId: id.optional(),
    })
    .strict(),
  "chats.continue": z
    .object({ chatId: id, options: generationOptionsSchema.optional(), generationId: generationIdSchema })
    .strict(),
  "chats.impersonate": z
    .object({ chatId: id, options: generationOptionsSchema.optional(), generationId: generationIdSchema })
    .strict(),
  "chats.swipes": z.object({ messageId: id }).strict(),
  "chats.selectSwipe": z.object({ messageId: id }).strict(),
  "chats.editMessage": z
    .object({
      messageId: id,
      text: z.string().max(MAX_MESSAGE_CHARS, `text is longer than ${MAX_MESSAGE_CHARS} characters`),
    })
    .strict(),
  "chats.deleteMessage": z.object({ messageId: id, withDescendants: z.boolean().optional() }).strict(),
  "chats.branch": z.object({ messageId: id }).strict(),
  "chats.prompt": z.object({ chatId: id }).strict(),
  "models.adapters": z.object({}).strict(),
  /** Adds a LoRA adapter file (GGUF, general.type = adapter) to the library. */
  "models.addAdapter": z.object({ path: z.string().min(1).max(4096) }).strict(),
  "models.removeAdapter": z.object({ id }).strict(),
  /** The chat's KV-cache state saved on disk; `drop` forgets it. */
  "chats.state": z.object({ chatId: id, drop: z.boolean().optional() }).strict(),
  "chats.setOptions": z
    .object({
      chatId: id,
      templateId: z.string().min(1).max(40).nullable().optional(),
      examplesMode: z.enum(["push", "keep", "strip"]).nullable().optional(),
      speakerOrder: z.enum(["natural", "list"]).nullable().optional(),
      lora: z.array(loraChoiceSchema).max(MAX_ADAPTERS).nullable().optional(),
    })
    .strict(),
  "templates.list": z.object({}).strict(),
  "presets.save": z
    .object({ name: z.string().trim().min(1).max(60), values: z.record(z.string(), z.number()).optional() })
    .strict(),
  "presets.apply": z.object({ name: z.string().trim().min(1).max(60) }).strict(),
  "presets.delete": z.object({ name: z.string().trim().min(1).max(60) }).strict(),
  "model.calibrate": z.object({}).strict(),
  "generation.abort": z.object({ generationId: z.string().min(1).max(100) }).strict(),
  "settings.get": z.object({}).strict(),
  "settings.update": settingsPatchSchema,
  "model.status": z.object({}).strict(),
  "model.load": z
    .object({
      path: z.string().min(1).max(4096).optional(),
      threads: z.number().int().min(0).max(256).optional(),
      contextSize: z.number().int().min(256).max(262_144).optional(),
      /** Save `path` as the default model (default true). */
      remember: z.boolean().optional(),
    })
    .strict(),
  ...EXPORT_REQUEST_SCHEMAS,
  ...LORE_REQUEST_SCHEMAS,
  ...BACKEND_REQUEST_SCHEMAS,
  ...EVAL_REQUEST_SCHEMAS,
  // ---- model library: local models, downloads, fit, catalog, per-model settings ----
  /** `rescan`: walk the added folders again first. */
  "models.list": z.object({ rescan: z.boolean().optional() }).strict(),
  /** A GGUF file, or a folder scanned recursively (and remembered for later scans). */
  "models.add": z.object({ path: z.string().min(1).max(4096) }).strict(),
  "models.folders": z.object({}).strict(),
  "models.removeFolder": z.object({ path: z.string().min(1).max(4096) }).strict(),
  /** Starts (or resumes) a download: `hf:user/repo:QUANT`, `hf:user/repo/file.gguf[#branch]` or an http(s) URL. */
  "models.pull": z.object({ uri: z.string().trim().min(1, "uri must not be empty").max(4096) }).strict(),
  /** Stops a download and keeps the partial file for a resume. */
  "models.cancel": z.object({ downloadId: z.string().min(1).max(100) }).strict(),
  "models.downloads": z.object({}).strict(),
  /** Forgets a stopped download; `deletePartial` also deletes its partial file. */
  "models.dismissDownload": z
    .object({ uri: z.string().min(1).max(4096), deletePartial: z.boolean().optional() })
    .strict(),
  /** Exactly one of id, path, uri (a remote model is estimated from its header alone). */
  "models.fit": z
    .object({
      id: id.optional(),
      path: z.string().min(1).max(4096).optional(),
      uri: z.string().min(1).max(4096).optional(),
      contextSize: z.number().int().min(256).max(262_144).optional(),
      gpuLayers: z.number().int().min(0).max(1000).optional(),
    })
    .strict()
    .refine(
      (v) => [v.id, v.path, v.uri].filter((x) => x !== undefined).length === 1,
      "give exactly one of id, path or uri",
    ),
  /** Makes a model the active one (sets `modelPath`); a path not yet in the library is added. */
  "models.use": z
    .object({ id: id.optional(), path: z.string().min(1).max(4096).optional() })
    .strict()
    .refine((v) => (v.id === undefined) !== (v.path === undefined), "give exactly one of id or path"),
  /** Forgets a model; `deleteFile` also deletes it, only for a file Masque downloaded. */
  "models.remove": z.object({ id, deleteFile: z.boolean().optional() }).strict(),
  "models.catalog": z.object({}).strict(),
  "models.settings": z.object({ id }).strict(),
  /** A null value clears that setting. */
  "models.updateSettings": z
    .object({
      id,
      settings: z
        .object({
          contextSize: z.number().int().min(256).max(262_144).nullable(),
          gpuLayers: z.number().int().min(0).max(1000).nullable(),
          threads: z.number().int().min(1).max(256).nullable(),
          templateId: z.string().min(1).max(40).nullable(),
          samplerPreset: z.string().trim().min(1).max(60).nullable(),
        })
        .partial()
        .strict(),
    })
    .strict(),
  "models.tokenStatus": z.object({}).strict(),
  /** Stores (or with null, forgets) the hub access token where the host can keep it encrypted. */
  "models.setToken": z.object({ token: z.string().trim().min(1).max(1000).nullable() }).strict(),
  // ---- end of model library ----
} as const;

export type Method = keyof typeof REQUEST_SCHEMAS;
export const METHODS = Object.keys(REQUEST_SCHEMAS) as Method[];

export interface AppInfo {
  version: string;
  host: "electron" | "web" | "cli" | "test";
  dataDir: string;
}

export interface GenerationStarted {
  generationId: string;
  chatId: number;
  kind: GenerationKind;
  /** The message the reply hangs under (null for a new greeting). */
  parentId: number | null;
}

export interface SendResult extends GenerationStarted {
  userMessageId: number;
  /** The user's message as stored (the reply will hang under it). */
  userMessage: Message;
}

/** A page of the active path, oldest first. */
export interface MessagePage {
  messages: Message[];
  /** More messages come before the first one of this page. */
  hasEarlier: boolean;
}

export interface TemplateInfo {
  id: string;
  label: string;
}

export interface ThreadCalibrationResult {
  results: { threads: number; tokensPerSecond: number }[];
  best: number;
  /** The thread count now in use (an explicit setting beats the measurement). */
  threads: number;
}

/** What the prompt inspector shows: the prompt the next reply would get, block by block. */
export interface PromptReport {
  templateId: string;
  templateLabel: string;
  contextSize: number;
  maxReplyTokens: number;
  budget: number;
  promptTokens: number;
  /** `entryIds`: what a lore, note or persona block carries (lore entry ids, or "persona:ID"). */
  blocks: { kind: string; messageId: number | null; tokens: number; text: string; entryIds?: string[] }[];
  dropped: { kind: "example" | "message"; messageId: number | null; tokens: number; reason: string }[];
  /**
   * Set when a remote backend builds the reply: how its token counts were made ("estimate" is a
   * guess: the server has no tokenizer) and which sampler settings it does not take.
   */
  backend?: {
    name: string;
    kind: string;
    model: string | null;
    tokenCounts: "server" | "local-tokenizer" | "estimate";
    ignoredSamplers: string[];
  };
  /** The character the prompt is for (in a group chat: who speaks), and why. */
  characterId: number;
  speakerReason: string;
  /** `{{user}}` as rendered: the persona's name, or the settings' user name. */
  userName: string;
  /** Lore that fired (and why), was dropped or left out; the note and persona used. */
  lore: PromptLoreReport;
  /** LoRA adapters the next reply will use, in order. */
  lora: { fileName: string; sha256: string; scale: number }[];
  /** Cache use of the last reply in this chat, from its stats. */
  lastReply: {
    messageId: number;
    promptTokens: number;
    evaluatedTokens: number;
    reusedTokens: number;
  } | null;
}

/** A LoRA adapter in the model library. */
export interface AdapterInfo {
  id: number;
  fileName: string;
  path: string;
  sha256: string;
  /** The architecture of the models it applies to (general.architecture). */
  baseArchitecture: string;
  sizeBytes: number;
  addedAt: number;
}

/** A chat's saved KV-cache state (`chats.state`). */
export interface ChatStateInfo {
  chatId: number;
  saved: boolean;
  bytes: number;
  tokens: number;
  /** The model file that made it, and its SHA-256. */
  model: { fileName: string; sha256: string } | null;
  lora: { fileName: string; sha256: string; scale: number }[];
  contextSize: number | null;
  template: string | null;
  savedAt: number | null;
  /** Set by `drop`: whether a state was forgotten. */
  dropped?: boolean;
}

/** Output type of every method. */
export interface ResponseTypes
  extends ExportResponseTypes,
    LoreResponseTypes,
    EvalResponseTypes,
    BackendResponseTypes {
  "app.info": AppInfo;
  "characters.list": CharacterSummary[];
  "characters.get": CharacterRecord;
  "characters.create": CharacterRecord;
  "characters.tags": TagCount[];
  "characters.update": CharacterRecord;
  "characters.delete": { deleted: true };
  "characters.export": ExportedFile;
  "characters.avatar": { mimeType: string; dataBase64: string } | null;
  "import.start": { importId: string };
  "import.cancel": { cancelled: boolean };
  "sessions.list": ReferenceSessionSummary[];
  "sessions.get": ReferenceSession;
  "chats.list": ChatSummary[];
  "chats.create": ChatView;
  "chats.addMember": ChatView;
  "chats.setMember": ChatView;
  "chats.get": ChatView;
  "chats.messages": MessagePage;
  "chats.send": SendResult;
  "chats.regenerate": GenerationStarted;
  "chats.continue": GenerationStarted;
  "chats.impersonate": GenerationStarted;
  "chats.swipes": Message[];
  "chats.selectSwipe": ChatView;
  "chats.editMessage": Message;
  "chats.deleteMessage": ChatView;
  "chats.branch": ChatView;
  "chats.prompt": PromptReport;
  "chats.state": ChatStateInfo;
  "models.adapters": AdapterInfo[];
  "models.addAdapter": AdapterInfo;
  "models.removeAdapter": { removed: true };
  "chats.setOptions": ChatView;
  "templates.list": TemplateInfo[];
  "presets.save": Settings;
  "presets.apply": Settings;
  "presets.delete": Settings;
  "model.calibrate": ThreadCalibrationResult;
  "generation.abort": { aborted: boolean };
  "settings.get": Settings;
  "settings.update": Settings;
  "model.status": ModelStatus;
  "model.load": ModelStatus;
  // ---- model library ----
  "models.list": ModelEntry[];
  "models.add": { added: ModelEntry[]; folder: string | null };
  "models.folders": string[];
  "models.removeFolder": { removed: boolean };
  "models.pull": { downloadId: string; uri: string };
  "models.cancel": { cancelled: boolean };
  "models.downloads": DownloadInfo[];
  "models.dismissDownload": { dismissed: boolean; deletedPartial: boolean };
  "models.fit": FitEstimate;
  "models.use": ModelEntry;
  "models.remove": { removed: true; deletedFile: boolean };
  "models.catalog": CatalogEntry[];
  "models.settings": PerModelSettings;
  "models.updateSettings": PerModelSettings;
  "models.tokenStatus": HubTokenStatus;
  "models.setToken": HubTokenStatus;
  // ---- end of model library ----
}

export type RequestOf<M extends Method> = z.input<(typeof REQUEST_SCHEMAS)[M]>;
export type ParsedRequestOf<M extends Method> = z.output<(typeof REQUEST_SCHEMAS)[M]>;
export type ResponseOf<M extends Method> = ResponseTypes[M];

/**
 * Events pushed from the core to every connected client. Deltas carry only new text.
 *
 * The generation protocol: every event of a generation carries `seq`, counting from 0
 * (`generation.started`) with no gaps; each delta also carries `offset`, where its text starts in
 * the generation's text. A client rebuilds the text exactly by appending a delta whose offset is
 * the length it holds, skipping what it already has, and knows it missed something when an offset
 * lies beyond that length (then it reads the chat's `pendingGeneration`, whose `text` and `seq` are
 * the state after event `seq`). Terminal events (`done`, `error`, `draft`) end the sequence.
 */
export interface EventTypes {
  "generation.started": {
    generationId: string;
    chatId: number;
    seq: 0;
    kind: GenerationKind;
    parentId: number | null;
    messageId: number | null;
  };
  "generation.delta": { generationId: string; chatId: number; seq: number; offset: number; text: string };
  "generation.done": { generationId: string; chatId: number; seq: number; message: Message };
  /** `message`: what was kept of the reply (a stopped message with the partial text), if anything. */
  "generation.error": {
    generationId: string;
    chatId: number;
    seq: number;
    error: ApiError;
    message: Message | null;
  };
  /** The end of an impersonation: a draft for the user's input box, never stored or sent. */
  "generation.draft": { generationId: string; chatId: number; seq: number; text: string };
  "model.status": ModelStatus;
  "import.progress": ImportProgress;
  "import.done": { importId: string; report: ImportReport };
  "import.error": { importId: string; error: ApiError };
  "eval.progress": EvalProgress;
  "eval.done": { runId: number; kind: EvalRunKind; status: EvalRunStatus };
  "eval.error": { runId: number; kind: EvalRunKind; error: ApiError };
  // ---- model library ----
  /** Throttled (a few per second) while a model downloads or is verified. */
  "models.download.progress": DownloadProgress;
  /** The file is complete, verified and in the library. */
  "models.download.done": { downloadId: string; uri: string; model: ModelEntry };
  /** `resumable`: the partial file is kept and `models.pull` with the same URI picks it up. */
  "models.download.error": { downloadId: string; uri: string; error: ApiError; resumable: boolean };
  /** The library changed without a request (a hash computed in the background, a folder rescanned). */
  "models.changed": { modelIds: number[] };
  // ---- end of model library ----
}

export type EventName = keyof EventTypes;
/** A record, not a list, so that adding an event without naming it here fails to compile. */
const EVENT_NAME_SET: Record<EventName, true> = {
  "generation.started": true,
  "generation.delta": true,
  "generation.done": true,
  "generation.error": true,
  "generation.draft": true,
  "model.status": true,
  "import.progress": true,
  "import.done": true,
  "import.error": true,
  "eval.progress": true,
  "eval.done": true,
  "eval.error": true,
  // ---- model library ----
  "models.download.progress": true,
  "models.download.done": true,
  "models.download.error": true,
  "models.changed": true,
  // ---- end of model library ----
};
export const EVENT_NAMES = Object.keys(EVENT_NAME_SET) as readonly EventName[];

export function isMethod(name: unknown): name is Method {
  return typeof name === "string" && Object.hasOwn(REQUEST_SCHEMAS, name);
}

export function isEventName(name: unknown): name is EventName {
  return typeof name === "string" && Object.hasOwn(EVENT_NAME_SET, name);
}
