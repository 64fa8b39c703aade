import { describe, expect, it, vi } from "vitest";
import { channelFor, EVENT_CHANNEL } from "../../../electron/hosts/electron/channels";
import { registerIpc, type SenderCheck } from "../../../electron/hosts/electron/ipc";
import { createSenderCheck } from "../../../electron/hosts/electron/security";
import { METHODS } from "../../../shared/api/contract";
import type { ModelStatus } from "../../../shared/domain/model";
import { FakeCore, FakeIpcMain, FakeWebContents, invokeEvent } from "./fakes";

const APP_URL = "file:///opt/masque/out/renderer/index.html";
const trustAll: SenderCheck = () => true;
const trustNone: SenderCheck = () => false;

function setup(check: SenderCheck = trustAll, target: FakeWebContents | null = new FakeWebContents()) {
  const ipcMain = new FakeIpcMain();
  const core = new FakeCore();
  const dispose = registerIpc(ipcMain, core, check, () => target);
  return { ipcMain, core, dispose, target };
}

function handlerFor(ipcMain: FakeIpcMain, channel: string) {
  const handler = ipcMain.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler;
}

describe("registerIpc: handlers", () => {
  it("registers exactly one masque:<method> handler per contract method and nothing else", () => {
    const { ipcMain } = setup();
    const channels = ipcMain.handle.mock.calls.map(([channel]) => channel);
    expect(channels).toHaveLength(METHODS.length);
    expect(new Set(channels)).toEqual(new Set(METHODS.map((m) => `masque:${m}`)));
    expect(channels).toContain("masque:chats.send");
    expect(channels).not.toContain(EVENT_CHANNEL);
  });

  it("the dispose function removes every handler and the event subscription", () => {
    const { ipcMain, core, dispose } = setup();
    expect(core.listeners.size).toBe(1);
    dispose();
    expect(ipcMain.handlers.size).toBe(0);
    expect(ipcMain.removeHandler).toHaveBeenCalledTimes(METHODS.length);
    expect(core.listeners.size).toBe(0);
  });

  it("refuses an untrusted sender with UNAUTHORIZED without reaching the core", async () => {
    const { ipcMain, core } = setup(trustNone);
    const reply = await handlerFor(ipcMain, "masque:characters.delete")(invokeEvent({ id: 1 }, APP_URL), {
      id: 1,
    });
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it("treats a sender check that throws as untrusted", async () => {
    const { ipcMain, core } = setup(() => {
      throw new Error("boom");
    });
    const reply = await handlerFor(ipcMain, "masque:app.info")({}, {});
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(core.dispatch).not.toHaveBeenCalled();
  });

  it("passes a trusted call's method and payload to core.dispatch and returns its envelope", async () => {
    const { ipcMain, core } = setup();
    const payload = { chatId: 3, text: "hello" };
    core.dispatch.mockResolvedValueOnce({ ok: false, error: { code: "NOT_FOUND", message: "no chat 3" } });
    const reply = await handlerFor(ipcMain, channelFor("chats.send"))(
      invokeEvent({ id: 1 }, APP_URL),
      payload,
    );
    expect(core.dispatch).toHaveBeenCalledExactlyOnceWith("chats.send", payload);
    expect(reply).toEqual({ ok: false, error: { code: "NOT_FOUND", message: "no chat 3" } });
  });

  it("turns a throwing dispatch into an INTERNAL envelope instead of a rejected invoke", async () => {
    const { ipcMain, core } = setup();
    core.dispatch.mockRejectedValueOnce(new Error("disk on fire"));
    const reply = await handlerFor(ipcMain, "masque:app.info")({}, {});
    expect(reply).toEqual({ ok: false, error: { code: "INTERNAL", message: "disk on fire" } });
  });
});

describe("registerIpc: sender check wired to the real security helper", () => {
  const window = {
    webContents: { id: 7 },
    destroyed: false,
    isDestroyed() {
      return this.destroyed;
    },
  };

  async function callWith(event: unknown) {
    const { ipcMain, core } = setup(createSenderCheck(() => window, APP_URL));
    const reply = await handlerFor(ipcMain, "masque:settings.get")(event, {});
    return { reply, dispatched: core.dispatch.mock.calls.length };
  }

  it("accepts the top frame of the main window showing the app page", async () => {
    const { reply, dispatched } = await callWith(invokeEvent({ id: 7 }, `${APP_URL}#/chats/1`));
    expect(reply).toMatchObject({ ok: true });
    expect(dispatched).toBe(1);
  });

  it.each([
    ["another webContents", invokeEvent({ id: 8 }, APP_URL)],
    ["a subframe", invokeEvent({ id: 7 }, APP_URL, { url: APP_URL })],
    ["a foreign page in our window", invokeEvent({ id: 7 }, "https://evil.example/")],
    ["another local file", invokeEvent({ id: 7 }, "file:///tmp/evil.html")],
    ["a frame that is gone", { sender: { id: 7 }, senderFrame: null }],
  ])("refuses %s", async (_label, event) => {
    const { reply, dispatched } = await callWith(event);
    expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect(dispatched).toBe(0);
  });

  it("refuses everything once the window is destroyed", async () => {
    window.destroyed = true;
    try {
      const { reply } = await callWith(invokeEvent({ id: 7 }, APP_URL));
      expect(reply).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    } finally {
      window.destroyed = false;
    }
  });
});

describe("registerIpc: events", () => {
  const status: ModelStatus = {
    state: "none",
    path: null,
    info: null,
    error: null,
    threads: null,
    contextSize: null,
  };

  it("forwards every core event to the window on masque:event as (name, payload)", () => {
    const { core, target } = setup();
    const delta = { generationId: "g1", chatId: 2, seq: 1, offset: 0, text: "Hel" };
    core.emit("generation.delta", delta);
    core.emit("model.status", status);
    expect(target?.send.mock.calls).toEqual([
      [EVENT_CHANNEL, "generation.delta", delta],
      [EVENT_CHANNEL, "model.status", status],
    ]);
  });

  it("skips destroyed webContents and a missing window", () => {
    const { core, target } = setup();
    if (!target) throw new Error("no target");
    target.destroyed = true;
    core.emit("model.status", status);
    expect(target.send).not.toHaveBeenCalled();

    const none = setup(trustAll, null);
    expect(() => none.core.emit("model.status", status)).not.toThrow();
  });

  it("stops forwarding after dispose", () => {
    const { core, target, dispose } = setup();
    dispose();
    core.emit("model.status", status);
    expect(target?.send).not.toHaveBeenCalled();
  });

  it("survives a send that throws", () => {
    const { core, target } = setup();
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    target?.send.mockImplementationOnce(() => {
      throw new Error("render frame disposed");
    });
    expect(() => core.emit("model.status", status)).not.toThrow();
    expect(error).toHaveBeenCalledOnce();
    error.mockRestore();
  });
});
