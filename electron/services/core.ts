/**
 * Builds the service core and its dispatcher. Every host (Electron IPC, the web host, the CLI)
 * calls `dispatch(method, input)`: the input is validated against the contract, the handler runs,
 * and the result or the error comes back as data.
 */
import { join } from "node:path";
import { isMethod, type Method, type ParsedRequestOf, type ResponseOf } from "../../shared/api/contract";
import { parseRequest } from "../../shared/api/validate";
import { MasqueError, type Result, toApiError } from "../../shared/errors";
import { AdapterRepository } from "../storage/adapterRepository";
import { CharacterRepository } from "../storage/characterRepository";
import { ChatMemberRepository } from "../storage/chatMemberRepository";
import { ChatRepository } from "../storage/chatRepository";
import { openDatabase } from "../storage/database";
import { EvalRunRepository } from "../storage/evalRunRepository";
import { KvStateStore } from "../storage/kvStateStore";
import { ModelRepository } from "../storage/modelRepository";
import { PartialReplyRepository } from "../storage/partialReplyRepository";
import { ReferenceSessionRepository } from "../storage/referenceSessionRepository";
import { BackendService } from "./backends/backendService";
import { NO_SECRET_STORE } from "./backends/secrets";
import { CharacterService } from "./characterService";
import { ChatService } from "./chatService";
import type { Core, CoreOptions } from "./coreTypes";
import type { Engine } from "./engine/engine";
import { EngineSwitch } from "./engine/engineSwitch";
import { FileDigests } from "./engine/fileDigest";
import { LlamaEngine } from "./engine/llamaEngine";
import { EvalService } from "./eval/evalService";
import { EventBus } from "./eventBus";
import { ExportService } from "./export/exportService";
import { GenerationPlanner } from "./generationPlan";
import { GenerationRunner } from "./generationRunner";
import { GenerationService } from "./generationService";
import { GroupService } from "./groupService";
import { ImportService } from "./import/importService";
import { InterruptedReplies } from "./interruptedReplies";
import { ChatStateService } from "./kvstate/chatStateService";
import { ChatLeases, type ChatLeasesOptions } from "./locks/chatLeases";
import { ChatLocks } from "./locks/chatLocks";
import { createLoreServices } from "./lore";
import { ModelService } from "./modelService";
import { AdapterLibrary } from "./models/adapters";
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
  readonly models: ModelService;
  /** The local engine (node-llama-cpp), whichever backend is active. */
  readonly engine: Engine;
  /** What the services use: the local engine or the active remote backend. */
  readonly engines: EngineSwitch;
  readonly imports: ImportService;
  readonly leases: ChatLeases;
  readonly evals: EvalService;
}

/** What tests and tools may replace: the engine, the lease timing, how often deltas and partial replies go out. */
export interface CoreInternalOptions {
  /** The local engine (remote backends are chosen by the settings, around it). */
  engine?: Engine;
  /** Timeouts of remote backends (tests use short ones). */
  remoteTimeouts?: { connectTimeoutMs?: number; idleTimeoutMs?: number };
  leases?: Omit<ChatLeasesOptions, "onFree">;
  partialSaveIntervalMs?: number;
  deltaIntervalMs?: number;
}

export async function createCore(options: CoreOptions & CoreInternalOptions): Promise<CoreInternals> {
  const database = openDatabase(options.dataDir);
  const events = new EventBus();
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const kvDir = join(options.dataDir, "kv");
  const digests = new FileDigests(join(kvDir, "file-digests.json"));
  const kvStates = new KvStateStore(kvDir, {
    budgetBytes: () => options.settings.getAll().kvStateBudgetMB * 1024 * 1024,
    warn: log,
    ...(process.env.MASQUE_TEST_KV_PAUSE_MS
      ? { pauseBeforeCommitMs: Number(process.env.MASQUE_TEST_KV_PAUSE_MS) }
      : {}),
  });
  const localEngine =
    options.engine ??
    new LlamaEngine({
      gpu: process.env.MASQUE_GPU === "off" ? false : "auto",
      log,
      states: kvStates,
      digests,
    });
  // The services see one engine: the local one or the active remote backend.
  const engine = new EngineSwitch({
    local: localEngine,
    settings: options.settings,
    secrets: options.secrets ?? NO_SECRET_STORE,
    ...(options.remoteTimeouts ? { remote: options.remoteTimeouts } : {}),
  });
  const characterRepository = new CharacterRepository(database);
  const characters = new CharacterService(characterRepository);
  const chatRepository = new ChatRepository(database);
  const partials = new PartialReplyRepository(database);
  const interrupted = new InterruptedReplies(partials, chatRepository);
  const leases = new ChatLeases(database, {
    ...options.leases,
    onFree: (chatId) => interrupted.recover(chatId),
  });
  // Replies a crashed process left half-written come back as "interrupted" messages.
  leases.recoverStale(partials.chatIds(), (chatId, error) =>
    options.log?.(`recovering the interrupted reply of chat ${chatId} failed: ${(error as Error).message}`),
  );
  const locks = new ChatLocks(leases);
  const modelLibrary = new ModelLibrary({
    repository: new ModelRepository(database),
    settings: options.settings,
    dataDir: options.dataDir,
    ...(localEngine instanceof LlamaEngine ? { getLlama: () => localEngine.sharedLlama() } : {}),
    tokenVault: options.tokenVault ?? null,
    emit: (event, payload) => events.emit(event, payload),
    onReloadNeeded: () => models.settingsChanged(["modelPath"]),
    ...(options.log ? { log: options.log } : {}),
  });
  const models = new ModelService(
    engine,
    options.settings,
    {
      generatingChats: () => locks.count(),
      runningGenerations: () => generations.running(),
    },
    modelLibrary,
  );
  const { personas, lorebooks } = createLoreServices(
    database,
    characterRepository,
    options.settings,
    join(options.dataDir, "uploads"),
  );
  const groups = new GroupService(new ChatMemberRepository(database), chatRepository, characterRepository);
  const planner = new GenerationPlanner(chatRepository, characterRepository, options.settings, engine, {
    lore: { personas, lorebooks },
    groups,
  });
  // Adapters, like saved KV states, belong to the local model files.
  const adapters = new AdapterLibrary(
    new AdapterRepository(database),
    digests,
    localEngine,
    chatRepository,
    options.settings,
  );
  const generations = new GenerationService({
    chats: chatRepository,
    engine,
    models,
    locks,
    planner,
    runner: new GenerationRunner({
      engine,
      events,
      chats: chatRepository,
      partials,
      planner,
      transaction: (work) => database.transaction(work),
      ...(options.partialSaveIntervalMs === undefined
        ? {}
        : { partialSaveIntervalMs: options.partialSaveIntervalMs }),
      ...(options.deltaIntervalMs === undefined ? {} : { deltaIntervalMs: options.deltaIntervalMs }),
      ...(options.log ? { log: options.log } : {}),
    }),
    transaction: (work) => database.transaction(work),
    ownerId: leases.owner.id,
    adapters,
  });
  const chats = new ChatService(chatRepository, characterRepository, generations, locks, groups, (work) =>
    database.transaction(work),
  );
  const chatStates = new ChatStateService(kvStates, chatRepository, localEngine);
  const sessions = new ReferenceSessionRepository(database);
  const imports = new ImportService(
    database,
    characterRepository,
    sessions,
    events,
    join(options.dataDir, "uploads"),
  );
  const exports = new ExportService(chatRepository, characterRepository, options.settings, {
    personaNames: (chatId) => personas.namesUsedByChat(chatId),
    groupMembers: (chatId) => (groups.isGroup(chatId) ? groups.list(chatId).map((m) => m.characterId) : null),
  });
  const backends = new BackendService({
    settings: options.settings,
    engine,
    models,
    secrets: options.secrets ?? NO_SECRET_STORE,
    generating: () => locks.count(),
  });
  const evals = new EvalService({
    runs: new EvalRunRepository(database),
    repos: { characters: characterRepository, sessions, chats: chatRepository },
    engine,
    models,
    settings: options.settings,
    events,
    adapters,
    transaction: (work) => database.transaction(work),
    ...(options.log ? { log: options.log } : {}),
  });
  const stopStatusEvents = models.onStatus((status) => events.emit("model.status", status));
  // The library records when a model was last used: once per load, not on every status event
  // (a load announces "loaded" again when its thread measurement ends).
  let lastLoaded: string | null = null;
  const stopLibraryStatus = models.onStatus((s) => {
    if (s.state !== "loaded" || !s.path || s.path === lastLoaded) return;
    lastLoaded = s.path;
    modelLibrary.loaded(s.path);
  });

  const handlers: Handlers = {
    "app.info": () => ({ version: options.version, host: options.host, dataDir: options.dataDir }),
    "characters.list": (input) => characters.list(input),
    "characters.get": (input) => characters.get(input.id),
    "characters.create": (input) => characters.create(input),
    "characters.tags": () => characters.tags(),
    "characters.update": (input) => characters.update(input.id, input.data),
    "characters.delete": async (input) => {
      // Its chats go with it (ON DELETE CASCADE): so do their saved KV states.
      const chatIds = chatRepository.listChats(input.id).map((c) => c.id);
      const deleted = characters.delete(input.id);
      await chatStates.forget(chatIds);
      return deleted;
    },
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
    "chats.create": (input) => chats.create(input.characterId, input.otherCharacterIds),
    "chats.addMember": (input) => chats.addMember(input.chatId, input.characterId),
    "chats.setMember": ({ chatId, characterId, ...change }) => chats.setMember(chatId, characterId, change),
    "chats.get": (input) =>
      input.limit === undefined ? chats.view(input.chatId) : chats.viewLatest(input.chatId, input.limit),
    "chats.messages": (input) => chats.messagesBefore(input.chatId, input.beforeId, input.limit),
    "chats.send": (input) =>
      generations.send(input.chatId, input.text, input.options, input.generationId, input.asCharacterId),
    "chats.regenerate": (input) =>
      generations.regenerate(
        input.chatId,
        input.messageId,
        input.options,
        input.generationId,
        input.asCharacterId,
      ),
    "chats.continue": (input) => generations.continue(input.chatId, input.options, input.generationId),
    "chats.impersonate": (input) => generations.impersonate(input.chatId, input.options, input.generationId),
    "chats.swipes": (input) => chats.swipes(input.messageId),
    "chats.selectSwipe": (input) => chats.selectSwipe(input.messageId),
    "chats.editMessage": (input) => chats.editMessage(input.messageId, input.text),
    "chats.deleteMessage": (input) => chats.deleteMessage(input.messageId, input.withDescendants),
    "chats.branch": (input) => chats.branch(input.messageId),
    "chats.prompt": (input) => generations.promptReport(input.chatId),
    "chats.state": (input) => chatStates.state(input.chatId, input.drop),
    "models.adapters": () => adapters.list(),
    "models.addAdapter": (input) => adapters.add(input.path),
    "models.removeAdapter": (input) => adapters.remove(input.id),
    "chats.setOptions": ({ chatId, ...changes }) => {
      adapters.assertKnown(changes.lora, "lora");
      return chats.setOptions(chatId, changes);
    },
    "templates.list": () => listTemplates(),
    "presets.save": (input) => savePreset(options.settings, input.name, input.values),
    "presets.apply": (input) => applyPreset(options.settings, input.name),
    "presets.delete": (input) => deletePreset(options.settings, input.name),
    "model.calibrate": () => models.calibrate(),
    "generation.abort": (input) => generations.abort(input.generationId),
    "settings.get": () => options.settings.getAll(),
    "settings.update": (input) => {
      adapters.assertKnown(input.loraAdapters, "loraAdapters");
      const before = options.settings.getAll();
      backends.checkPatch(input, before);
      const updated = options.settings.update(input);
      const changed = Object.keys(input).filter(
        (key) =>
          JSON.stringify(before[key as keyof typeof before]) !==
          JSON.stringify(updated[key as keyof typeof updated]),
      );
      models.settingsChanged(changed);
      if (changed.includes("activeBackend") || changed.includes("backends")) engine.activeChanged();
      return updated;
    },
    "model.status": () => models.status(),
    "model.load": (input) => models.load(input),
    "personas.list": () => personas.list(),
    "personas.get": (input) => personas.get(input.id),
    "personas.create": (input) => personas.create(input),
    "personas.update": (input) => personas.update(input),
    "personas.delete": (input) => personas.delete(input.id),
    "personas.setDefault": (input) => personas.setDefault(input.id),
    "personas.avatar": (input) => personas.avatar(input.id),
    "personas.forChat": (input) => personas.forChat(input.chatId),
    "personas.setForChat": (input) => personas.setForChat(input.chatId, input.personaId),
    "lorebooks.list": () => lorebooks.list(),
    "lorebooks.get": (input) => lorebooks.get(input.id),
    "lorebooks.create": (input) => lorebooks.create(input),
    "lorebooks.update": (input) => lorebooks.update(input),
    "lorebooks.delete": (input) => lorebooks.delete(input.id),
    "lorebooks.import": (input) => lorebooks.import(input),
    "lorebooks.export": (input) => lorebooks.export(input.id, input.format),
    "lorebooks.saveEntry": (input) => lorebooks.saveEntry(input.lorebookId, input.entry),
    "lorebooks.deleteEntry": (input) => lorebooks.deleteEntry(input.lorebookId, input.uid),
    "lorebooks.attach": (input) => lorebooks.attach(input),
    "lorebooks.detach": (input) => lorebooks.detach(input),
    "lorebooks.forChat": (input) => lorebooks.forChat(input.chatId),
    "notes.get": (input) => lorebooks.note(input.chatId),
    "notes.set": (input) => lorebooks.setNote(input.chatId, input.note),
    "backends.list": () => backends.list(),
    "backends.add": (input) => backends.add(input),
    "backends.test": (input) => backends.test(input.name),
    "backends.use": (input) => backends.use(input.name),
    "backends.remove": (input) => backends.remove(input.name),
    "eval.perplexity": (input) => evals.perplexity(input),
    "eval.runs": (input) => evals.list(input.kind),
    "eval.run": (input) => evals.detail(input.runId),
    "eval.cancel": (input) => evals.cancel(input.runId),
    "eval.compare": (input) => evals.compare(input.runIds),
    "eval.export": (input) => evals.export(input.runId, input.format),
    "eval.abNew": (input) => evals.abNew(input),
    "eval.abNext": (input) => evals.abNext(input.runId),
    "eval.abVote": (input) => evals.abVote(input.runId, input.item, input.vote),
    "eval.abReport": (input) => evals.abReport(input.runId),
    "eval.stats": (input) => evals.stats(input),
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
    models,
    engine: localEngine,
    engines: engine,
    leases,
    evals,
    dispatch,
    subscribe: (listener) => events.subscribe(listener),
    async dispose() {
      if (disposed) return;
      disposed = true;
      stopStatusEvents();
      stopLibraryStatus();
      await modelLibrary.dispose();
      await generations.abortAll();
      await evals.dispose();
      await imports.cancelAll();
      models.dispose();
      leases.dispose();
      await engine.dispose();
      database.close();
    },
  };
}
