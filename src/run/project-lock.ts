import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { hostname } from "node:os";
import { DhtlError } from "../core/errors.js";
import { projectStatePath } from "./project-state.js";

/**
 * The project's run lock, in the user's state directory: a lock file a checkout commits (`.dhtl/lock`) is
 * just a file, never a reason to refuse.
 */
export function projectLockPath(root: string): string {
  return projectStatePath(root, "lock");
}

interface LockOwner {
  pid: number;
  host: string;
}

export interface ProjectLock {
  release(): void;
}

export interface LockOptions {
  /** How long to wait for another dhtl to finish before refusing (default 5 s). */
  waitMs?: number;
  pollMs?: number;
}

/**
 * Takes the project lock (created with O_EXCL, holding pid and host) so two dhtl runs never interleave on one
 * project. A lock whose process is dead on this host is stale and taken over; a live one is waited for
 * briefly, then the run is refused (exit 4).
 */
export async function acquireProjectLock(root: string, options: LockOptions = {}): Promise<ProjectLock> {
  const path = projectLockPath(root);
  const deadline = Date.now() + (options.waitMs ?? 5000);
  const me: LockOwner = { pid: process.pid, host: hostname() };
  for (;;) {
    if (tryCreate(path, me)) {
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          if (sameOwner(readOwner(path), me)) rmSync(path, { force: true });
        },
      };
    }
    const owner = readOwner(path);
    // This process already holds it (fix-env handing over to regenerate): nested, released by the outer holder.
    if (owner !== null && sameOwner(owner, me)) return { release() {} };
    if ((owner === null && writtenLongAgo(path)) || (owner !== null && isStale(owner))) {
      // A dead holder (or a lock killed before it was written) cannot finish: take it over.
      rmSync(path, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const who = owner ? `pid ${owner.pid} on ${owner.host}` : "unknown process";
      throw new DhtlError("refused", `another dhtl (${who}) is working on this project`, {
        file: path,
        hint: `wait for it to finish and retry; if no dhtl is running, delete ${path}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(path, "wx");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw error;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

function readOwner(path: string): LockOwner | null {
  try {
    const value: unknown = JSON.parse(readFileSync(path, "utf8"));
    if (typeof value === "object" && value !== null && "pid" in value && "host" in value) {
      const { pid, host } = value as { pid: unknown; host: unknown };
      if (typeof pid === "number" && typeof host === "string") return { pid, host };
    }
    return null;
  } catch (error) {
    // Missing: the holder just released it; anything else unreadable counts as a broken lock.
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { pid: -1, host: "" };
    return null;
  }
}

function isStale(owner: LockOwner): boolean {
  if (owner.pid === -1) return true;
  if (owner.host !== hostname()) return false;
  try {
    process.kill(owner.pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/** A lock file still empty after a second was left by a process killed between create and write. */
function writtenLongAgo(path: string): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs > 1000;
  } catch {
    return true;
  }
}

function sameOwner(a: LockOwner | null, b: LockOwner): boolean {
  return a !== null && a.pid === b.pid && a.host === b.host;
}
