import { randomBytes } from "node:crypto";
import type { Core } from "../../services/coreTypes";
import { ensureRendererBuilt } from "./rendererBuild";
import { startWebHost } from "./server";

export interface RunWebOptions {
  core: Core;
  port?: number;
  json: boolean;
  /** Where progress and notices go (stderr in the CLI). */
  log: (line: string) => void;
  print: (line: string) => void;
}

/** Serves browser mode until SIGINT/SIGTERM. The token travels in the URL fragment, never to logs of proxies. */
export async function runWeb(options: RunWebOptions): Promise<void> {
  const staticDir = await ensureRendererBuilt(options.log);
  const token = randomBytes(24).toString("base64url");
  const host = await startWebHost({
    core: options.core,
    staticDir,
    token,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  const openUrl = `${host.url}#token=${token}`;
  if (options.json) {
    options.print(JSON.stringify({ url: openUrl, port: host.port, token }));
  } else {
    options.print(`Masque is running in browser mode.\nOpen: ${openUrl}\nPress Ctrl+C to stop.`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await host.close();
}
