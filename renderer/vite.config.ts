import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";
import { CONTENT_SECURITY_POLICY } from "../shared/security/csp";

/**
 * Injects the CSP meta tag at build time only (the dev server needs React's inline refresh preamble). It goes
 * right after <meta charset>, before any script or stylesheet, since a meta CSP only governs what follows it.
 */
function contentSecurityPolicy(): Plugin {
  const tag = `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`;
  return {
    name: "masque-csp",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(html) {
        const charset = /<meta charset="[^"]*"\s*\/?>/i;
        if (!charset.test(html))
          throw new Error("renderer/index.html must start its <head> with <meta charset>");
        return html.replace(charset, (match) => `${match}\n    ${tag}`);
      },
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "./",
  plugins: [react(), contentSecurityPolicy()],
  build: {
    outDir: "../out/renderer",
    emptyOutDir: true,
    // Chromium supports modulepreload natively; no polyfill code needed.
    modulePreload: { polyfill: false },
  },
});
