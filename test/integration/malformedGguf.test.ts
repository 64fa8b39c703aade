/**
 * Malformed GGUF headers through the paths a user takes (`model.load` on a real core, `masque models
 * add` as a real process). node-llama-cpp's header reader loops without end on some of them (a bad
 * version, an array claiming 2^40 elements); each must be refused with MODEL_INVALID naming the file
 * and the reason. The per-test time limit is the hang guard.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runMasque } from "../helpers/cli";
import { openTestCore, type TestCore } from "../helpers/core";
import { HAS_TEST_MODEL, TEST_MODEL_PATH } from "../helpers/model";
import { makeTempDir } from "../helpers/tempDir";

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
};
const u64 = (n: bigint) => {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(n);
  return b;
};
const str = (s: string) => Buffer.concat([u64(BigInt(Buffer.byteLength(s))), Buffer.from(s)]);
/** A v3 header with these counts, then `rest`. */
const v3 = (tensors: bigint, entries: bigint, ...rest: Buffer[]) =>
  Buffer.concat([Buffer.from("GGUF"), u32(3), u64(tensors), u64(entries), ...rest]);

const MALFORMED: { name: string; bytes: Buffer; reason: RegExp }[] = [
  { name: "not-really.gguf", bytes: Buffer.from("GGUF but not really"), reason: /unsupported GGUF version/ },
  { name: "magic-only.gguf", bytes: Buffer.from("GGUF\u0003"), reason: /not a GGUF model \(only 5 bytes\)/ },
  {
    name: "version-0.gguf",
    bytes: Buffer.concat([Buffer.from("GGUF"), u32(0), u64(0n), u64(0n)]),
    reason: /version 0/,
  },
  {
    name: "version-4.gguf",
    bytes: Buffer.concat([Buffer.from("GGUF"), u32(4), u64(0n), u64(0n)]),
    reason: /version 4/,
  },
  { name: "huge-counts.gguf", bytes: v3(2n ** 60n, 2n ** 60n), reason: /more than a \d+-byte file can hold/ },
  {
    name: "truncated-counts.gguf",
    bytes: Buffer.concat([Buffer.from("GGUF"), u32(3), u64(0n)]),
    reason: /ends inside the metadata count/,
  },
  {
    name: "missing-entry.gguf",
    bytes: v3(0n, 1n, str("general.architecture"), u32(8)),
    reason: /ends inside the length of metadata "general\.architecture"/,
  },
  {
    name: "huge-array.gguf",
    bytes: v3(0n, 1n, str("general.list"), u32(9), u32(4), u64(2n ** 40n), Buffer.alloc(16)),
    reason: /metadata "general\.list" claims \d+ bytes/,
  },
  {
    name: "huge-string.gguf",
    bytes: v3(0n, 1n, str("general.name"), u32(8), u64(2n ** 50n), Buffer.alloc(16)),
    reason: /metadata "general\.name" claims \d+ bytes/,
  },
  {
    name: "unknown-type.gguf",
    bytes: v3(0n, 1n, str("general.name"), u32(99), Buffer.alloc(16)),
    reason: /unknown value type 99/,
  },
  {
    name: "many-dims.gguf",
    bytes: v3(1n, 1n, str("general.architecture"), u32(8), str("llama"), str("w"), u32(9), Buffer.alloc(96)),
    reason: /tensor 0 claims 9 dimensions/,
  },
];

const files = makeTempDir("masque-bad-gguf-");
const pathOf = (name: string) => join(files.dir, name);
let t: TestCore;

beforeAll(async () => {
  for (const { name, bytes } of MALFORMED) writeFileSync(pathOf(name), bytes);
  t = await openTestCore();
});
afterAll(async () => {
  await t.close();
  files.cleanup();
});

describe("malformed GGUF headers", () => {
  it.each(MALFORMED)(
    "model.load refuses $name by name and reason",
    { timeout: 5_000 },
    async ({ name, reason }) => {
      const error = await t.fail("model.load", { path: pathOf(name), remember: false });
      expect(error.code).toBe("MODEL_INVALID");
      expect(error.message).toContain(pathOf(name));
      expect(error.message).toMatch(reason);
    },
  );

  it.each(MALFORMED)(
    "models.add refuses $name by name and reason",
    { timeout: 5_000 },
    async ({ name, reason }) => {
      const error = await t.fail("models.add", { path: pathOf(name) });
      expect(error.code).toBe("MODEL_INVALID");
      expect(error.message).toContain(name);
      expect(error.message).toMatch(reason);
    },
  );

  it("`masque models add` refuses the files a user would hit, and adds nothing", {
    timeout: 30_000,
  }, async () => {
    const dataDir = join(files.dir, "cli-data");
    for (const name of ["not-really.gguf", "huge-array.gguf"]) {
      const added = await runMasque(["--data-dir", dataDir, "models", "add", pathOf(name), "--json"]);
      expect(added.code).not.toBe(0);
      expect(added.stderr).toMatch(new RegExp(`^MODEL_INVALID: .*${name.replace(".", "\\.")}`));
    }
    const listed = await runMasque(["--data-dir", dataDir, "models", "list", "--json"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it.skipIf(!HAS_TEST_MODEL)(
    "a well-formed model still passes the header check",
    { timeout: 30_000 },
    async () => {
      const added = await t.call("models.add", { path: TEST_MODEL_PATH });
      expect(added.added).toEqual([
        expect.objectContaining({ architecture: "llama", path: TEST_MODEL_PATH }),
      ]);
    },
  );
});
