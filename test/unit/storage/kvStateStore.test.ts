import { readdirSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { KvStateStore, type StateFingerprint } from "../../../electron/storage/kvStateStore";
import { makeTempDir } from "../../helpers/tempDir";

const base: StateFingerprint = {
  modelSha256: "a".repeat(64),
  modelFile: "model.gguf",
  lora: [],
  contextSize: 2048,
  template: "pygmalion",
  layout: "gpu=false",
};

const temps: { cleanup: () => void }[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) t.cleanup();
});

function store(budgetBytes = 1 << 30) {
  const temp = makeTempDir("masque-kv-");
  temps.push(temp);
  const warnings: string[] = [];
  const kv = new KvStateStore(join(temp.dir, "kv"), {
    budgetBytes: () => budgetBytes,
    warn: (line) => warnings.push(line),
  });
  return { kv, warnings, dir: join(temp.dir, "kv") };
}

const writeBytes =
  (bytes: number, fill = 7) =>
  async (path: string) =>
    writeFileSync(path, Buffer.alloc(bytes, fill));

describe("KvStateStore", () => {
  it("hands out a saved state only under the same fingerprint", async () => {
    const { kv } = store();
    await kv.save("1", base, [1, 2, 3], writeBytes(100));
    const found = await kv.find("1", base);
    expect(found.state).toBe("usable");
    if (found.state === "usable") expect(found.metadata.tokens).toEqual([1, 2, 3]);
    const variants: [Partial<StateFingerprint>, RegExp][] = [
      [{ modelSha256: "b".repeat(64) }, /another model file/],
      [{ contextSize: 1024 }, /2048-token context/],
      [{ template: "chatml" }, /template "pygmalion"/],
      [{ lora: [{ fileName: "a.gguf", sha256: "c".repeat(64), scale: 1 }] }, /LoRA/],
      [{ layout: "gpu=cuda" }, /cache layout/],
    ];
    for (const [change, reason] of variants) {
      const lookup = await kv.find("1", { ...base, ...change });
      expect(lookup.state).toBe("mismatch");
      if (lookup.state === "mismatch") expect(lookup.reason).toMatch(reason);
    }
    // A mismatch keeps the state (the old model may come back).
    expect((await kv.find("1", base)).state).toBe("usable");
  });

  it("tells LoRA scales apart", async () => {
    const { kv } = store();
    const adapter = { fileName: "a.gguf", sha256: "c".repeat(64), scale: 0.5 };
    const lora = [adapter];
    await kv.save("1", { ...base, lora }, [1], writeBytes(10));
    expect((await kv.find("1", { ...base, lora })).state).toBe("usable");
    expect((await kv.find("1", { ...base, lora: [{ ...adapter, scale: 1 }] })).state).toBe("mismatch");
  });

  it("discards a truncated state and one whose bytes changed, with a warning", async () => {
    const { kv, warnings } = store();
    await kv.save("1", base, [1], writeBytes(1000));
    truncateSync(kv.statePath("1"), 500);
    const truncated = await kv.find("1", base);
    expect(truncated).toEqual({ state: "corrupt", reason: expect.stringMatching(/500 bytes.*1000/) });
    expect(await kv.metadata("1")).toBeNull();

    await kv.save("2", base, [1], writeBytes(1000));
    writeFileSync(kv.statePath("2"), Buffer.alloc(1000, 8));
    expect(await kv.find("2", base)).toEqual({ state: "corrupt", reason: expect.stringMatching(/checksum/) });
    expect(warnings).toHaveLength(2);
    expect(warnings[1]).toMatch(/chat 2 was discarded/);
  });

  it("discards unreadable metadata and a state without its file", async () => {
    const { kv, dir } = store();
    await kv.save("1", base, [1], writeBytes(10));
    writeFileSync(join(dir, "1.json"), "{ half");
    expect((await kv.find("1", base)).state).toBe("corrupt");
    await kv.save("2", base, [1], writeBytes(10));
    truncateSync(kv.statePath("2"), 0);
    expect((await kv.find("2", base)).state).toBe("corrupt");
    expect((await kv.find("3", base)).state).toBe("none");
  });

  it("writes nothing current when the state write fails, and keeps the old state", async () => {
    const { kv, dir } = store();
    await kv.save("1", base, [1, 2], writeBytes(10));
    await expect(
      kv.save("1", base, [1, 2, 3], async (path) => {
        writeFileSync(path, "partial");
        throw new Error("disk full");
      }),
    ).rejects.toThrow("disk full");
    const found = await kv.find("1", base);
    expect(found.state).toBe("usable");
    if (found.state === "usable") expect(found.metadata.tokens).toEqual([1, 2]);
    expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
  });

  it("removes the chat's temp files a killed process left behind", async () => {
    const { kv, dir } = store();
    await kv.save("1", base, [1], writeBytes(10));
    writeFileSync(join(dir, "1.999999.deadbeef.tmp"), "left over");
    writeFileSync(join(dir, "1.json.999999.cafe.tmp"), "left over");
    writeFileSync(join(dir, "12.999999.deadbeef.tmp"), "another chat, maybe being written");
    // A live process (here: the test runner's parent) may still be finishing its save.
    const live = `1.${process.ppid}.beef.tmp`;
    writeFileSync(join(dir, live), "being written");
    await kv.save("1", base, [1, 2], writeBytes(10));
    expect(readdirSync(dir).sort()).toEqual(["1.json", "1.state", live, "12.999999.deadbeef.tmp"].sort());
  });

  it("evicts the least recently used states beyond the budget, never the one just saved first", async () => {
    let budget = 10_000;
    const temp = makeTempDir("masque-kv-");
    temps.push(temp);
    const kv = new KvStateStore(temp.dir, { budgetBytes: () => budget });
    await kv.save("1", base, [1], writeBytes(4000));
    await new Promise((r) => setTimeout(r, 5));
    await kv.save("2", base, [1], writeBytes(4000));
    await new Promise((r) => setTimeout(r, 5));
    const first = await kv.find("1", base);
    if (first.state === "usable") await kv.touch(first.metadata);
    await new Promise((r) => setTimeout(r, 5));
    await kv.save("3", base, [1], writeBytes(4000));
    expect((await kv.list()).map((m) => m.chatId).sort()).toEqual(["1", "3"]);
    budget = 3000;
    await kv.save("4", base, [1], writeBytes(2000));
    expect((await kv.list()).map((m) => m.chatId)).toEqual(["4"]);
    budget = 0;
    await kv.enforceBudget();
    expect(await kv.list()).toEqual([]);
  });

  it("drops a state on request", async () => {
    const { kv, dir } = store();
    await kv.save("5", base, [1], writeBytes(10));
    expect(await kv.drop("5")).toBe(true);
    expect(await kv.drop("5")).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("KvStateStore with a zero budget", () => {
  it("keeps nothing and never writes", async () => {
    const temp = makeTempDir("masque-kv-");
    temps.push(temp);
    let writes = 0;
    const kv = new KvStateStore(temp.dir, { budgetBytes: () => 0 });
    expect(
      await kv.save("1", base, [1], async (path) => {
        writes++;
        writeFileSync(path, "x");
      }),
    ).toBeNull();
    expect(writes).toBe(0);
    expect(await kv.list()).toEqual([]);
  });
});
