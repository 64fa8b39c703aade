import { mkdirSync, readdirSync, truncateSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerIpc } from "../../electron/hosts/electron/ipc";
import { startWebHost, type WebHost } from "../../electron/hosts/web/server";
import type { Core } from "../../electron/services/coreTypes";
import { openTestCore, type TestCore } from "../helpers/core";
import { canMount, mountReadOnlyView, mountTmpfs } from "../helpers/mounts";
import { makeTempDir } from "../helpers/tempDir";
import { FakeIpcMain, type InvokeHandler } from "../unit/electron/fakes";

let t: TestCore;
let host: WebHost;
let staticDir: string;
const token = "test-token-123";

beforeAll(async () => {
  t = await openTestCore();
  staticDir = join(t.dir, "static");
  mkdirSync(join(staticDir, "assets"), { recursive: true });
  writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>Masque</title>");
  writeFileSync(join(staticDir, "assets", "app.js"), "console.log(1)");
  writeFileSync(join(t.dir, "secret.txt"), "do not serve");
  host = await startWebHost({ core: t.core, staticDir, token });
});
afterAll(async () => {
  await host?.close();
  await t?.close();
});

const call = (
  method: string,
  body: unknown,
  headers: Record<string, string> = { Authorization: `Bearer ${token}` },
) =>
  fetch(`${host.url}api/call/${method}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("web host", () => {
  it("listens on 127.0.0.1 only", () => {
    expect(host.server.address()).toMatchObject({ address: "127.0.0.1" });
  });

  it("refuses API calls without the token, or with a wrong one, with 401", async () => {
    const none = await call("characters.list", {}, {});
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    expect((await call("characters.list", {}, { Authorization: "Bearer nope" })).status).toBe(401);
    expect((await fetch(`${host.url}api/events`)).status).toBe(401);
  });

  it("answers calls with the envelope and maps error codes to statuses", async () => {
    const created = await call("characters.create", { name: "Aria" });
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({ ok: true, value: { data: { name: "Aria" } } });
    const missing = await call("chats.get", { chatId: 999 });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: "NOT_FOUND" } });
    const bad = await fetch(`${host.url}api/call/chats.get`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: "{not json",
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "INVALID_INPUT", message: "request body is not valid JSON" },
    });
  });

  it("refuses other origins and other host names", async () => {
    const cross = await call(
      "characters.list",
      {},
      { Authorization: `Bearer ${token}`, Origin: "http://evil.example" },
    );
    expect(cross.status).toBe(403);
    const rebound = await new Promise<number>((resolve, reject) => {
      import("node:http").then(({ request }) => {
        const req = request(
          { host: "127.0.0.1", port: host.port, path: "/", headers: { Host: `evil.example:${host.port}` } },
          (res) => resolve(res.statusCode ?? 0),
        );
        req.on("error", reject);
        req.end();
      });
    });
    expect(rebound).toBe(403);
  });

  it("serves the app with a strict CSP and never a file outside it", async () => {
    const page = await fetch(host.url);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await page.text()).toContain("<title>Masque</title>");
    expect(await (await fetch(`${host.url}assets/app.js`)).text()).toBe("console.log(1)");
    const traversal = await fetch(`${host.url}..%2Fsecret.txt`);
    expect(await traversal.text()).not.toContain("do not serve");
    expect(await (await fetch(`${host.url}chats/3`)).text()).toContain("<title>Masque</title>");
  });

  it("accepts uploads for import only with the token and imports them", async () => {
    const body = JSON.stringify({ name: "Uploaded", description: "From the browser." });
    const refused = await fetch(`${host.url}api/upload`, { method: "POST", body });
    expect(refused.status).toBe(401);
    const uploaded = await fetch(`${host.url}api/upload`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/octet-stream" },
      body,
    });
    const envelope = (await uploaded.json()) as { ok: boolean; value: { uploadId: string; bytes: number } };
    expect(envelope).toMatchObject({ ok: true, value: { bytes: body.length } });
    const started = await call("import.start", {
      source: { uploadId: envelope.value.uploadId },
      fileName: "card.json",
    });
    const { value } = (await started.json()) as { value: { importId: string } };
    await (t.core as unknown as { imports: { settled(id: string): Promise<void> } }).imports.settled(
      value.importId,
    );
    expect(t.eventsOf("import.done").find((e) => e.importId === value.importId)?.report.fileName).toBe(
      "card.json",
    );
    const list = (await (await call("characters.list", { search: "Uploaded" })).json()) as {
      value: unknown[];
    };
    expect(list.value).toHaveLength(1);
    // The upload is removed once imported.
    const again = await call("import.start", { source: { uploadId: envelope.value.uploadId } });
    expect(again.status).toBe(404);
  });

  it("streams events as SSE to an authorised client", async () => {
    const controller = new AbortController();
    const response = await fetch(`${host.url}api/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // ": connected"
    await call("model.load", { path: join(t.dir, "missing.gguf"), remember: false });
    let text = "";
    while (!text.includes("event: model.status\ndata:")) {
      const { value } = await reader.read();
      text += new TextDecoder().decode(value);
    }
    expect(text).toContain('"state":"loading"');
    controller.abort();
  });

  it("refuses a null request body with INVALID_INPUT and keeps {} and an empty body working", async () => {
    const nullBody = await fetch(`${host.url}api/call/characters.list`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: "null",
    });
    expect(nullBody.status).toBe(400);
    const refused = (await nullBody.json()) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe("INVALID_INPUT");
    expect(refused.error.message).toContain("characters.list: the request is null");
    expect((await call("characters.list", {})).status).toBe(200);
    const empty = await fetch(`${host.url}api/call/characters.list`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(empty.status).toBe(200);
  });

  it("refuses a null IPC payload with INVALID_INPUT and keeps {} and no payload working", async () => {
    const ipcMain = new FakeIpcMain();
    const dispose = registerIpc(
      ipcMain,
      t.core,
      () => true,
      () => null,
    );
    try {
      const invoke = ipcMain.handlers.get("masque:characters.list") as InvokeHandler;
      expect(await invoke({}, null)).toMatchObject({
        ok: false,
        error: { code: "INVALID_INPUT", message: expect.stringContaining("the request is null") },
      });
      expect(await invoke({}, {})).toMatchObject({ ok: true });
      expect(await invoke({})).toMatchObject({ ok: true });
    } finally {
      dispose();
    }
  });

  it("sends a static file whole even when it is deleted mid-send", async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, "a");
    const path = join(staticDir, "assets", "deleted.js");
    writeFileSync(path, big);
    const response = await fetch(`${host.url}assets/deleted.js`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    let received = (await reader.read()).value?.length ?? 0;
    unlinkSync(path);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      received += value.length;
    }
    expect(received).toBe(big.length);
  });

  it("drops the connection when a static file shrinks mid-send, and keeps serving", async () => {
    const path = join(staticDir, "assets", "shrinking.js");
    writeFileSync(path, Buffer.alloc(32 * 1024 * 1024, "b"));
    const response = await fetch(`${host.url}assets/shrinking.js`);
    expect(response.headers.get("content-length")).toBe(String(32 * 1024 * 1024));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    truncateSync(path, 0);
    const outcome = await (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return "completed";
      }
    })().catch(() => "failed");
    expect(outcome).toBe("failed");
    expect(await (await fetch(`${host.url}assets/app.js`)).text()).toBe("console.log(1)");
    expect((await fetch(host.url, { method: "HEAD" })).headers.get("content-length")).not.toBeNull();
  });

  it("fans events out to every open stream over one core subscription", async () => {
    let subscriptions = 0;
    const counted: Core = {
      ...t.core,
      dispatch: (method, input) => t.core.dispatch(method, input),
      subscribe(listener) {
        subscriptions++;
        const off = t.core.subscribe(listener);
        return () => {
          subscriptions--;
          off();
        };
      },
    };
    const second = await startWebHost({ core: counted, staticDir, token });
    try {
      const streams = await Promise.all([openEvents(second), openEvents(second)]);
      expect(subscriptions).toBe(1);
      await call("model.load", { path: join(t.dir, "missing-again.gguf"), remember: false });
      for (const stream of streams) expect(await stream.until("event: model.status")).toContain("loading");
      for (const stream of streams) stream.abort();
      await vi.waitFor(() => expect(subscriptions).toBe(0));
    } finally {
      await second.close();
    }
  });
});

describe("web host on storage that fails", () => {
  const post = (target: WebHost, path: string, body: string) =>
    fetch(`${target.url}${path}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body,
    });

  it.runIf(canMount())(
    "serves reads from a read-only data dir and answers writes with 503 STORAGE_READ_ONLY",
    async () => {
      const temp = makeTempDir();
      const seeded = await openTestCore(temp.dir);
      await seeded.call("characters.create", { name: "Aria" });
      await seeded.core.dispose();
      const view = mountReadOnlyView(temp.dir);
      const readOnly = await openTestCore(view.dir);
      const target = await startWebHost({ core: readOnly.core, staticDir, token });
      try {
        const list = await post(target, "api/call/characters.list", "{}");
        expect(list.status).toBe(200);
        expect(await list.json()).toMatchObject({ ok: true, value: [{ name: "Aria" }] });
        const create = await post(target, "api/call/characters.create", JSON.stringify({ name: "New" }));
        expect(create.status).toBe(503);
        expect(await create.json()).toMatchObject({
          ok: false,
          error: { code: "STORAGE_READ_ONLY", message: expect.stringContaining(view.dir) },
        });
        const upload = await post(target, "api/upload", '{"name":"Uploaded"}');
        expect(upload.status).toBe(503);
        expect(await upload.json()).toMatchObject({ error: { code: "STORAGE_READ_ONLY" } });
      } finally {
        await target.close();
        await readOnly.core.dispose();
        view.unmount();
        temp.cleanup();
      }
    },
  );

  it.runIf(canMount())(
    "answers an upload that fills the disk with 507 STORAGE_FULL and keeps no partial file",
    async () => {
      const disk = mountTmpfs(2 * 1024 * 1024);
      const small = await openTestCore(disk.dir);
      const target = await startWebHost({ core: small.core, staticDir, token });
      try {
        const upload = await post(target, "api/upload", "x".repeat(4 * 1024 * 1024));
        expect(upload.status).toBe(507);
        expect(await upload.json()).toMatchObject({
          error: { code: "STORAGE_FULL", message: expect.stringContaining(disk.dir) },
        });
        expect(readdirSync(small.core.uploadsDir)).toEqual([]);
        expect((await post(target, "api/call/characters.list", "{}")).status).toBe(200);
      } finally {
        await target.close();
        await small.core.dispose();
        disk.unmount();
      }
    },
  );
});

/** An open `GET /api/events` stream; `until` reads until the text contains `marker`. */
async function openEvents(target: WebHost) {
  const controller = new AbortController();
  const response = await fetch(`${target.url}api/events`, {
    headers: { Authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  await reader.read(); // ": connected": the stream is registered with the host
  let text = "";
  return {
    async until(marker: string): Promise<string> {
      while (!text.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${marker}`);
        text += new TextDecoder().decode(value);
      }
      return text;
    },
    abort: () => controller.abort(),
  };
}
