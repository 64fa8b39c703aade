import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { MasqueApi } from "../../../shared/api/bridge";
import { EVENT_NAMES } from "../../../shared/api/contract";

type Listener = (event: unknown, ...args: unknown[]) => void;

const electron = vi.hoisted(() => {
  const listeners = new Map<string, Set<Listener>>();
  return {
    listeners,
    contextBridge: { exposeInMainWorld: vi.fn() },
    webUtils: { getPathForFile: vi.fn((file: { fakePath: string }) => file.fakePath) },
    ipcRenderer: {
      invoke: vi.fn(),
      on: vi.fn((channel: string, listener: Listener) => {
        const set = listeners.get(channel) ?? new Set();
        set.add(listener);
        listeners.set(channel, set);
      }),
      removeListener: vi.fn((channel: string, listener: Listener) => {
        listeners.get(channel)?.delete(listener);
      }),
    },
  };
});

vi.mock("electron", () => ({
  contextBridge: electron.contextBridge,
  ipcRenderer: electron.ipcRenderer,
  webUtils: electron.webUtils,
}));

await import("../../../electron/hosts/electron/preload");

const exposed = electron.contextBridge.exposeInMainWorld.mock.calls;
const api = exposed[0]?.[1] as MasqueApi;
/** The renderer is untyped at runtime: it can pass any name. */
const untyped = api as unknown as {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, handler: (payload: unknown) => void): () => void;
};

function emit(name: string, payload: unknown): void {
  for (const listener of electron.listeners.get("masque:event") ?? []) listener({}, name, payload);
}

async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Record<string, unknown>;
  }
  throw new Error("expected a rejection");
}

beforeEach(() => {
  electron.ipcRenderer.invoke.mockReset();
});

describe("preload exposure", () => {
  it("exposes exactly one object, window.api, with only call, on and pathForFile", () => {
    expect(exposed).toHaveLength(1);
    expect(exposed[0]?.[0]).toBe("api");
    expect(Object.keys(api).sort()).toEqual(["call", "on", "pathForFile"]);
    const withPath = api as MasqueApi & { pathForFile(file: unknown): string };
    expect(withPath.pathForFile({ fakePath: "/home/u/card.png" })).toBe("/home/u/card.png");
    expect(typeof api.call).toBe("function");
    expect(typeof api.on).toBe("function");
  });

  it("imports nothing but electron and project modules (it must bundle for a sandbox)", () => {
    const source = readFileSync(
      new URL("../../../electron/hosts/electron/preload.ts", import.meta.url),
      "utf8",
    );
    const specifiers = [...source.matchAll(/from\s+"([^"]+)"/g)].map((m) => m[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    for (const specifier of specifiers)
      expect(specifier === "electron" || specifier?.startsWith(".")).toBe(true);
  });
});

describe("api.call", () => {
  it("rejects an unknown method without touching IPC", async () => {
    const error = await rejection(untyped.call("fs.readFile", { path: "/etc/passwd" }));
    expect(error).toMatchObject({ name: "MasqueError", code: "INVALID_INPUT" });
    expect(String(error.message)).toContain("fs.readFile");
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it("rejects inherited property names too", async () => {
    await rejection(untyped.call("toString", {}));
    await rejection(untyped.call("__proto__", {}));
    expect(electron.ipcRenderer.invoke).not.toHaveBeenCalled();
  });

  it("invokes masque:<method> with the input and resolves the value", async () => {
    const info = { version: "0.1.0", host: "electron", dataDir: "/d" };
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: info });
    await expect(api.call("app.info", {})).resolves.toEqual(info);
    expect(electron.ipcRenderer.invoke).toHaveBeenCalledExactlyOnceWith("masque:app.info", {});
  });

  it("turns {ok:false} into a rejection that keeps code, message and details as own properties", async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({
      ok: false,
      error: { code: "NOT_FOUND", message: "no character 9", details: { id: 9 } },
    });
    const error = await rejection(api.call("characters.get", { id: 9 }));
    expect(error).toEqual({
      name: "MasqueError",
      code: "NOT_FOUND",
      message: "no character 9",
      details: { id: 9 },
    });
    expect(Object.hasOwn(error, "code")).toBe(true);
    // It survives a structured clone, which is what contextBridge does with plain objects.
    expect(structuredClone(error)).toEqual(error);
  });

  it("maps an unknown error code to INTERNAL", async () => {
    electron.ipcRenderer.invoke.mockResolvedValueOnce({ ok: false, error: { code: "EVIL", message: "x" } });
    expect(await rejection(api.call("model.status", {}))).toMatchObject({ code: "INTERNAL", message: "x" });
  });

  it("maps a failed invoke and a malformed reply to INTERNAL", async () => {
    electron.ipcRenderer.invoke.mockRejectedValueOnce(new Error("No handler registered"));
    expect(await rejection(api.call("model.status", {}))).toMatchObject({
      code: "INTERNAL",
      message: "No handler registered",
    });
    electron.ipcRenderer.invoke.mockResolvedValueOnce("surprise");
    expect(await rejection(api.call("model.status", {}))).toMatchObject({ code: "INTERNAL" });
  });
});

describe("api.on", () => {
  it("refuses names outside EVENT_NAMES", () => {
    expect(() => untyped.on("ipc:anything", () => {})).toThrow(/unknown event/);
    expect(electron.ipcRenderer.on).not.toHaveBeenCalled();
  });

  it("delivers only the named event's payload and unsubscribes cleanly", () => {
    const deltas: unknown[] = [];
    const statuses: unknown[] = [];
    const offDelta = api.on("generation.delta", (p) => deltas.push(p));
    const offStatus = api.on("model.status", (p) => statuses.push(p));
    expect(electron.ipcRenderer.on).toHaveBeenCalledWith("masque:event", expect.any(Function));

    const delta = { generationId: "g", chatId: 1, text: "Hi" };
    emit("generation.delta", delta);
    emit("generation.done", { generationId: "g" });
    emit("not.an.event", {});
    expect(deltas).toEqual([delta]);
    expect(statuses).toEqual([]);

    offDelta();
    offDelta();
    emit("generation.delta", delta);
    expect(deltas).toHaveLength(1);

    offStatus();
    expect(electron.listeners.get("masque:event")?.size ?? 0).toBe(0);
    expect(electron.ipcRenderer.removeListener).toHaveBeenCalledWith("masque:event", expect.any(Function));
  });

  it("forwards every event named in EVENT_NAMES, each to its own handler", () => {
    const got = new Map<string, unknown[]>();
    const offs = EVENT_NAMES.map((name) =>
      untyped.on(name, (payload) => got.set(name, [...(got.get(name) ?? []), payload])),
    );
    for (const name of EVENT_NAMES) emit(name, { from: name });
    expect([...got.keys()].sort()).toEqual([...EVENT_NAMES].sort());
    for (const name of EVENT_NAMES) expect(got.get(name), name).toEqual([{ from: name }]);
    for (const off of offs) off();
    expect(electron.listeners.get("masque:event")?.size ?? 0).toBe(0);
  });

  it("keeps delivering to other handlers when one throws", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    const got: unknown[] = [];
    const offBad = api.on("model.status", () => {
      throw new Error("bad handler");
    });
    const offGood = api.on("model.status", (p) => got.push(p));
    emit("model.status", { state: "none" });
    expect(got).toEqual([{ state: "none" }]);
    expect(error).toHaveBeenCalledOnce();
    offBad();
    offGood();
    error.mockRestore();
  });
});
