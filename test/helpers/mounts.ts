/**
 * Real read-only and full file systems for storage tests: a tiny tmpfs (a disk that fills up) and a
 * read-only bind mount (a data directory nobody may write, root included), plus the immutable flag.
 * They need root with CAP_SYS_ADMIN; `canMount()` says whether this machine allows it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: "pipe" });

let mountable: boolean | undefined;

export function canMount(): boolean {
  if (mountable !== undefined) return mountable;
  const dir = mkdtempSync(join(tmpdir(), "masque-mount-probe-"));
  try {
    run("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", dir]);
    run("umount", [dir]);
    mountable = true;
  } catch {
    mountable = false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return mountable;
}

export interface Mount {
  dir: string;
  /** Changes a mount option in place (e.g. `size=64m` to free up a full tmpfs). */
  remount(options: string): void;
  unmount(): void;
}

function mounted(dir: string): Mount {
  let active = true;
  return {
    dir,
    remount(options) {
      run("mount", ["-o", `remount,${options}`, dir]);
    },
    unmount() {
      if (!active) return;
      active = false;
      try {
        run("umount", [dir]);
      } catch {
        run("umount", ["-l", dir]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A tmpfs of `bytes` (a small disk that really fills up: writes fail with ENOSPC). */
export function mountTmpfs(bytes: number): Mount {
  const dir = mkdtempSync(join(tmpdir(), "masque-tmpfs-"));
  run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", dir]);
  return mounted(dir);
}

/** `source` seen through a read-only bind mount: reads work, every write fails with EROFS. */
export function mountReadOnlyView(source: string): Mount {
  const dir = mkdtempSync(join(tmpdir(), "masque-ro-"));
  run("mount", ["--bind", source, dir]);
  try {
    run("mount", ["-o", "remount,bind,ro", dir]);
  } catch (error) {
    run("umount", [dir]);
    throw error;
  }
  return mounted(dir);
}

let chattrWorks: boolean | undefined;

/** Whether `chattr +i` works here (root on a file system with the immutable flag). */
export function canChattr(): boolean {
  if (chattrWorks !== undefined) return chattrWorks;
  const dir = mkdtempSync(join(tmpdir(), "masque-chattr-probe-"));
  try {
    run("chattr", ["+i", dir]);
    run("chattr", ["-i", dir]);
    chattrWorks = true;
  } catch {
    chattrWorks = false;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return chattrWorks;
}

/** Sets the immutable flag on `path`; the returned function clears it (call it before deleting). */
export function makeImmutable(path: string): () => void {
  run("chattr", ["+i", path]);
  let set = true;
  return () => {
    if (!set) return;
    set = false;
    run("chattr", ["-i", path]);
  };
}
