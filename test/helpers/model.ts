import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

export const PROJECT_ROOT = resolve(import.meta.dirname, "..", "..");

/** The real GGUF model for tests: MASQUE_TEST_MODEL, else ../shared/models/stories260K.gguf. */
export const TEST_MODEL_PATH = resolve(
  process.env.MASQUE_TEST_MODEL ?? join(PROJECT_ROOT, "..", "shared", "models", "stories260K.gguf"),
);

export const HAS_TEST_MODEL = existsSync(TEST_MODEL_PATH);

if (!HAS_TEST_MODEL) {
  console.warn(
    `\n!!! The test model ${TEST_MODEL_PATH} is missing: the tests that need a real model are SKIPPED.\n` +
      "!!! Put stories260K.gguf there or set MASQUE_TEST_MODEL to a GGUF file.\n",
  );
}
