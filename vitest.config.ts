import { defineConfig } from "vitest/config";

/**
 * Three projects, all run by `npm test`:
 * - unit: pure logic and host wiring (shared/, renderer modules, Electron main/preload with a mocked `electron`);
 * - integration: services with a real SQLite database in a temp dir, the real GGUF model, the CLI and the web host;
 * - e2e: the real UI in headless Chromium against `masque web`.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/renderer/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // The real model runs on few cores; one file at a time keeps timings sane.
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
