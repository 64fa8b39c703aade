/**
 * Builds the service core and its dispatcher. Every host (Electron IPC, the web host, the CLI)
 * calls `dispatch(method, input)`: the input is validated against the contract, the handler runs,
 * and the result or the error comes back as data.
 */
import { join } from "node:path";
import { isMethod, type Method, type ParsedRequestOf, type ResponseOf } from "../../shared/api/contract";
import { parseRequest } from "../../shared/api/validate";
import { MasqueError, type Result, toApiError } from "../../shared/errors";
import { CharacterRepository } from "../storage/characterRepository";
import { ChatRepository } from "../storage/chatRepository";
import { openDatabase } from "../storage/database";
import { ModelRepository } from "../storage/modelRepository";
import { ReferenceSessionRepository } from "../storage/referenceSessionRepository";
import { CharacterService } from "./characterService";
import { ChatService } from "./chatService";
import type { Core, CoreOptions } from "./coreTypes";
import type { Engine } from "./engine/engine";
import { LlamaEngine } from "./engine/llamaEngine";
import { EventBus } from "./eventBus";
import { ExportService } from "./export/exportService";
import { GenerationService } from "./generationService";
import { ImportService } from "./import/importService";
import { ModelService } from "./modelService";
import { ModelLibrary } from "./models/modelLibrary";
import { applyPreset, deletePreset, savePreset } from "./presets";
import { listTemplates } from "./templates";

export type Handlers = {
  [M in Method]: (input: ParsedRequestOf<M>) => ResponseOf<M> | Promise<ResponseOf<M>>;
};

export interface CoreInternals extends Core {
  readonly handlers: Handlers;
  readonly chats: ChatService;
  readonly generations: GenerationService;
  readonly engine: Engine;
  readonly imports: ImportService;
}

export async function createCore(options: CoreOptions & { engine?: Engine }): Promise<CoreInternals> {
  const database = openDatabase(options.dataDir);
  const events = new EventBus();
  const engine =
    options.engine ??
    new LlamaEngine({
      gpu: process.env.MASQUE_GPU === "off" ? false : "auto",
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    });
  const characterRepository = new CharacterRepository(database);
  const characters = new CharacterService(characterRepository);
  const modelLibrary = new ModelLibrary({
    repository: new ModelRepository(database),
    settings: options.settings,
    dataDir: options.dataDir,
    ...(engine instanceof LlamaEngine ? { getLlama: () => engine.sharedLlama() } : {}),
    tokenVault: options.tokenVault ?? null,
    emit: (event, payload) => events.emit(event, payload),
    onReloadNeeded: () => models.settingsChanged(["modelPath"]),
    ...(options.log ? { log: options.log } : {}),
  });
  const models = new ModelService(engine, options.settings, modelLibrary);
  const chatRepository = new ChatRepository(database);
  const generations = new GenerationService(
    chatRepository,
    characterRepository,
    options.settings,
    engine,
    models,
    events,
  );
  const chats = new ChatService(chatRepository, characterRepository, generations);
  const sessions = new ReferenceSessionRepository(database);
  const imports = new ImportService(
    database,
    characterRepository,
    sessions,
    events,
    join(options.dataDir, "uploads"),
  );
  const exports = new ExportService(chatRepository, characterRepository, options.settings);
  const stopStatusEvents = engine.onStatus((status) => events.emit("model.status", status));
  const stopLibraryStatus = engine.onStatus(
    (s) => s.state === "loaded" && s.path && modelLibrary.loaded(s.path),
  );

  const handlers: Handlers = {
    "app.info": () => ({ version: options.version, host: options.host, dataDir: options.dataDir }),
    "characters.list": (input) => characters.list(input),
    "characters.get": (input) => characters.get(input.id),
    "characters.create": (input) => characters.create(input),
    "characters.tags": () => characters.tags(),
    "characters.update": (input) => characters.update(input.id, input.data),
    "characters.delete": (input) => characters.delete(input.id),
    "characters.export": (input) => characters.export(input.id, input.format),
    "characters.avatar": (input) => characters.avatar(input.id),
    "import.start": (input) => imports.start(input),
    "import.cancel": (input) => imports.cancel(input.importId),
    "export.preview": (input) => exports.preview(input),
    "export.pippa": (input) => exports.pippa(input),
    "export.metharme": (input) => exports.metharme(input),
    "export.sillytavern": (input) => exports.sillyTavern(input),
    "files.validatePippa": (input) => exports.validate(input),
    "sessions.list": (input) => {
      characterRepository.get(input.characterId);
      return sessions.list(input.characterId);
    },
    "sessions.get": (input) => sessions.get(input.sessionId),
    "chats.list": (input) => chats.list(input.characterId),
    "chats.create": (input) => chats.create(input.characterId),
    "chats.get": (input) => chats.view(input.chatId),
    "chats.send": (input) => generations.send(input.chatId, input.text, input.options),
    "chats.regenerate": (input) => generations.regenerate(input.chatId, input.messageId, input.options),
    "chats.continue": (input) => generations.continue(input.chatId, input.options),
    "chats.impersonate": (input) => generations.impersonate(input.chatId, input.options),
    "chats.swipes": (input) => chats.swipes(input.messageId),
    "chats.selectSwipe": (input) => chats.selectSwipe(input.messageId),
    "chats.editMessage": (input) => chats.editMessage(input.messageId, input.text),
    "chats.deleteMessage": (input) => chats.deleteMessage(input.messageId, input.withDescendants),
    "chats.branch": (input) => chats.branch(input.messageId),
    "chats.prompt": (input) => generations.promptReport(input.chatId),
    "chats.setOptions": ({ chatId, ...changes }) => chats.setOptions(chatId, changes),
    "templates.list": () => listTemplates(),
    "presets.save": (input) => savePreset(options.settings, input.name, input.values),
    "presets.apply": (input) => applyPreset(options.settings, input.name),
    "presets.delete": (input) => deletePreset(options.settings, input.name),
    "model.calibrate": () => models.calibrate(),
    "generation.abort": (input) => generations.abort(input.generationId),
    "settings.get": () => options.settings.getAll(),
    "settings.update": (input) => {
      const before = options.settings.getAll();
      const updated = options.settings.update(input);
      const changed = Object.keys(input).filter(
        (key) =>
          JSON.stringify(before[key as keyof typeof before]) !==
          JSON.stringify(updated[key as keyof typeof updated]),
      );
      models.settingsChanged(changed);
      return updated;
    },
    "model.status": () => models.status(),
    "model.load": (input) => models.load(input),
    "models.list": (input) => modelLibrary.list(input),
    "models.add": (input) => modelLibrary.add(input.path),
    "models.folders": () => modelLibrary.folders(),
    "models.removeFolder": (input) => modelLibrary.removeFolder(input.path),
    "models.pull": (input) => modelLibrary.downloads.start(input.uri),
    "models.cancel": (input) => modelLibrary.downloads.cancel(input.downloadId),
    "models.downloads": () => modelLibrary.downloads.list(),
    "models.dismissDownload": (input) =>
      modelLibrary.downloads.dismiss(input.uri, input.deletePartial ?? false),
    "models.fit": (input) => modelLibrary.fit(input),
    "models.use": (input) => modelLibrary.use(input),
    "models.remove": (input) => modelLibrary.remove(input.id, input.deleteFile ?? false),
    "models.catalog": () => modelLibrary.catalog(),
    "models.settings": (input) => modelLibrary.settingsFor(input.id),
    "models.updateSettings": (input) => modelLibrary.updateSettings(input.id, input.settings),
    "models.tokenStatus": () => modelLibrary.tokenStatus(),
    "models.setToken": (input) => modelLibrary.setToken(input.token),
  };

  async function dispatch(method: string, input: unknown): Promise<Result<unknown>> {
    try {
      if (!isMethod(method)) throw new MasqueError("NOT_FOUND", `unknown method ${JSON.stringify(method)}`);
      const handler = handlers[method] as (input: unknown) => unknown;
      return { ok: true, value: await handler(parseRequest(method, input)) };
    } catch (error) {
      const apiError = toApiError(error);
      if (apiError.code === "INTERNAL")
        options.log?.(`internal error in ${method}: ${(error as Error).stack}`);
      return { ok: false, error: apiError };
    }
  }

  let disposed = false;
  return {
    dataDir: options.dataDir,
    uploadsDir: imports.uploadsDir,
    handlers,
    imports,
    chats,
    generations,
    engine,
    dispatch,
    subscribe: (listener) => events.subscribe(listener),
    async dispose() {
      if (disposed) return;
      disposed = true;
      stopStatusEvents();
      stopLibraryStatus();
      await modelLibrary.dispose();
      await generations.abortAll();
      await imports.cancelAll();
      await engine.dispose();
      database.close();
    },
  };
}
