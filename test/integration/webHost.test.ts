import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebHost, type WebHost } from "../../electron/hosts/web/server";
import { openTestCore, type TestCore } from "../helpers/core";

let t: TestCore;
let host: WebHost;
const token = "test-token-123";

beforeAll(async () => {
  t = await openTestCore();
  const staticDir = join(t.dir, "static");
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
});
