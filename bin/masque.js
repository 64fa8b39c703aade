#!/usr/bin/env node
// Entry point of `npx masque`: checks the Node version, then runs the TypeScript CLI through tsx.
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 12)) {
  process.stderr.write(`INTERNAL: Masque needs Node.js 22.12 or newer; this is ${process.version}.\n`);
  process.exit(2);
}
// node:sqlite prints an ExperimentalWarning on some Node versions; keep stderr for real messages.
process.removeAllListeners("warning");
process.on("warning", (warning) => {
  if (warning.name !== "ExperimentalWarning") process.stderr.write(`${warning.name}: ${warning.message}\n`);
});

const { tsImport } = await import("tsx/esm/api");
const { runCli } = await tsImport("../electron/hosts/cli/main.ts", import.meta.url);
const write = (stream) => (text) => stream.write(text);
const code = await runCli(process.argv.slice(2), { out: write(process.stdout), err: write(process.stderr) });
process.exitCode = code;
