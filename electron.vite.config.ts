/**
 * electron-vite 6 build of the Electron host (https://electron-vite.org/config/, checked against
 * node_modules/electron-vite/dist: config presets and the `externalizeDeps` / `isolatedEntries` docs).
 *
 * - main:     ESM (package.json "type": "module"), out/main/index.js. Dependencies stay external
 *             (`externalizeDeps` is on by default); node-llama-cpp is listed explicitly because it
 *             loads native binaries at runtime and must never be bundled.
 * - preload:  a sandboxed preload cannot be an ES module (Electron docs, "ES Modules in Electron":
 *             ESM preloads are unsupported in sandboxed renderers) and can only `require("electron")`.
 *             So: CommonJS, out/preload/index.cjs, everything bundled (shared/, zod) except electron.
 * - renderer: root renderer/, input renderer/index.html, out/renderer. renderer/vite.config.ts is not
 *             read here (electron-vite passes `configFile: false`), so the build-time CSP <meta> is
 *             injected below as well; main also sends the same policy as a response header.
 */
import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "electron-vite";
import type { Plugin } from "vite";
import { CONTENT_SECURITY_POLICY } from "./shared/security/csp";

const root = import.meta.dirname;

/** The CSP <meta> for the built page (build only: the dev server needs React's inline refresh preamble). */
function cspMeta(): Plugin {
  return {
    name: "masque-csp-meta",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler: () => [
        {
          tag: "meta",
          attrs: { "http-equiv": "Content-Security-Policy", content: CONTENT_SECURITY_POLICY },
          injectTo: "head-prepend",
        },
      ],
    },
  };
}

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, "out/main"),
      externalizeDeps: { include: ["node-llama-cpp"] },
      rolldownOptions: {
        input: { index: resolve(root, "electron/hosts/electron/main.ts") },
        output: { format: "es", entryFileNames: "[name].js" },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, "out/preload"),
      externalizeDeps: false,
      isolatedEntries: true,
      rolldownOptions: {
        input: { index: resolve(root, "electron/hosts/electron/preload.ts") },
        output: { format: "cjs", entryFileNames: "[name].cjs" },
      },
    },
  },
  renderer: {
    root: resolve(root, "renderer"),
    plugins: [react(), cspMeta()],
    build: {
      outDir: resolve(root, "out/renderer"),
      rolldownOptions: {
        input: { index: resolve(root, "renderer/index.html") },
      },
    },
  },
});
