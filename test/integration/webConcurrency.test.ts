/**
 * Three `chats.send` calls at once through the web API on a cold model, with the real model and
 * database: exactly one is accepted, the other two get BUSY (HTTP 409), one user message is stored.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWebHost, type WebHost } from "../../electron/hosts/web/server";
import type { CoreInternals } from "../../electron/services/core";
import type { SendResult } from "../../shared/api/contract";
import type { Result } from "../../shared/errors";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";

const token = "test-token-concurrency";

describe.skipIf(!HAS_TEST_MODEL)("web API: racing sends on a cold model", () => {
  let t: TestCore;
  let host: WebHost;

  beforeAll(async () => {
    t = await openTestCore();
    const staticDir = join(t.dir, "static");
    mkdirSync(staticDir, { recursive: true });
    writeFileSync(join(staticDir, "index.html"), "<!doctype html><title>Masque</title>");
    host = await startWebHost({ core: t.core, staticDir, token });
    await t.call("settings.update", {
      modelPath: TEST_MODEL_PATH,
      threads: 1,
      contextSize: 1024,
      maxTokens: 16,
    });
  });
  afterAll(async () => {
    await host?.close();
    await t?.close();
  });

  const post = (method: string, body: unknown) =>
    fetch(`${host.url}api/call/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });

  it("accepts exactly one of three sends; the others get 409 BUSY; one user message is stored", async () => {
    const character = await t.call("characters.create", { name: "Lily", greeting: "Hi! I am Lily." });
    const chatId = (await t.call("chats.create", { characterId: character.id })).chat.id;
    expect((await t.call("model.status", {})).state).toBe("none");

    const responses = await Promise.all(
      ["One", "Two", "Three"].map((text) => post("chats.send", { chatId, text })),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Result<SendResult>[];
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(bodies.map((b) => (b.ok ? "ok" : b.error.code)).sort()).toEqual(["BUSY", "BUSY", "ok"]);
    const accepted = bodies.find((b) => b.ok)?.value as SendResult;

    await (t.core as CoreInternals).generations.settled(accepted.generationId);
    expect(t.eventsOf("generation.done", accepted.generationId)).toHaveLength(1);
    const view = await t.call("chats.get", { chatId });
    expect(view.messages.map((m) => m.role)).toEqual(["character", "user", "character"]);
    expect(view.messages[1]).toEqual(accepted.userMessage);
  });
});
