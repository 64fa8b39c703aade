import { type CoreInternalOptions, createCore } from "../../electron/services/core";
import type { CoreOptions } from "../../electron/services/coreTypes";
import { createConfSettings } from "../../electron/storage/confSettings";
import type { EventName, EventTypes, Method, RequestOf, ResponseOf } from "../../shared/api/contract";
import { unwrapEnvelope } from "../../shared/api/envelope";
import type { ApiError } from "../../shared/errors";
import { makeTempDir } from "./tempDir";

export type TestCore = Awaited<ReturnType<typeof openTestCore>>;

/**
 * A real core (real database, real engine unless `internal.engine` replaces it) in a temp data
 * dir, with typed helpers for tests.
 */
export async function openTestCore(
  dataDir?: string,
  internal: CoreInternalOptions & Pick<CoreOptions, "secrets"> = {},
) {
  const temp = dataDir ? null : makeTempDir();
  const dir = dataDir ?? (temp?.dir as string);
  const core = await createCore({
    dataDir: dir,
    host: "test",
    settings: createConfSettings(dir),
    version: "test",
    log: () => {},
    ...internal,
  });
  const events: { event: EventName; payload: unknown }[] = [];
  core.subscribe((event, payload) => events.push({ event, payload }));

  async function call<M extends Method>(method: M, input: RequestOf<M>): Promise<ResponseOf<M>> {
    return unwrapEnvelope(await core.dispatch(method, input), method) as ResponseOf<M>;
  }
  async function fail(method: Method, input: unknown): Promise<ApiError> {
    const result = await core.dispatch(method, input);
    if (result.ok)
      throw new Error(`${method} was expected to fail but returned ${JSON.stringify(result.value)}`);
    return result.error;
  }
  function eventsOf<E extends EventName>(event: E, generationId?: string): EventTypes[E][] {
    return events
      .filter((e) => e.event === event)
      .map((e) => e.payload as EventTypes[E])
      .filter(
        (p) => generationId === undefined || (p as { generationId?: string }).generationId === generationId,
      );
  }
  return {
    core,
    dir,
    call,
    fail,
    events,
    eventsOf,
    async close() {
      await core.dispose();
      temp?.cleanup();
    },
  };
}
