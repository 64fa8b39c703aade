import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PROJECT_ROOT } from "./model";

export interface WebProcess {
  child: ChildProcess;
  url: string;
  port: number;
  token: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `masque web --json` as a user would and waits for its one-line JSON announcement. */
export function startWebProcess(args: string[]): Promise<WebProcess> {
  const child = spawn(process.execPath, [join(PROJECT_ROOT, "bin", "masque.js"), ...args, "web", "--json"], {
    cwd: PROJECT_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`masque web did not start in time:\n${stderr}`)),
      120_000,
    );
    child.once("exit", (code) => reject(new Error(`masque web exited with ${code}:\n${stderr}`)));
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    lines.once("line", (line) => {
      clearTimeout(timer);
      const announced = JSON.parse(line) as { url: string; port: number; token: string };
      resolve({ child, ...announced, stderr: () => stderr, stop });
    });
  });
}
