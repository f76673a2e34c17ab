import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DhtlError } from "../core/errors.js";
import { createMarkedEnvironmentDir } from "./env-mark.js";
import { FileBackup, journalPath } from "./file-backup.js";
import { acquireProjectLock, projectLockPath } from "./project-lock.js";
import { withProjectSession } from "./session.js";
import {
  currentEnvironment,
  ENVS_DIR,
  ensureDhtlDir,
  newEnvironmentPath,
  recoverInterruptedRun,
  swapInEnvironment,
  VENV_ASIDE,
} from "./venv.js";

const projects: string[] = [];
function tempProject(): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-venv-"));
  projects.push(root);
  return root;
}
afterAll(() => {
  for (const root of projects) rmSync(root, { recursive: true, force: true });
});

/** A stand-in environment, marked as dhtl's: just enough files to tell two apart. */
function fakeEnv(root: string, marker: string): string {
  const path = newEnvironmentPath(root);
  createMarkedEnvironmentDir(root, path);
  mkdirSync(join(path, "bin"), { recursive: true });
  writeFileSync(join(path, "pyvenv.cfg"), `marker = ${marker}\n`);
  return path;
}

const marker = (root: string) => readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8");

describe("environment swap", () => {
  it("swaps a relative .venv symlink in and deletes the environment it replaced", () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const first = fakeEnv(root, "one");
    swapInEnvironment(root, first);
    expect(readlinkSync(join(root, ".venv"))).toMatch(/^\.dhtl\/envs\/[a-z0-9-]+$/);
    expect(marker(root)).toContain("one");
    const second = fakeEnv(root, "two");
    swapInEnvironment(root, second);
    expect(marker(root)).toContain("two");
    expect(existsSync(first)).toBe(false);
    expect(readFileSync(join(root, ".dhtl", ".gitignore"), "utf8")).toContain("envs/");
  });

  it("moves a user's real .venv aside (kept, never deleted), and puts it back when a kill left no .venv", () => {
    const root = tempProject();
    mkdirSync(join(root, ".venv"));
    writeFileSync(join(root, ".venv", "pyvenv.cfg"), "marker = user\n");
    ensureDhtlDir(root);
    expect(currentEnvironment(root).kind).toBe("foreign");
    const built = fakeEnv(root, "built");
    expect(swapInEnvironment(root, built).movedAside).toBe(VENV_ASIDE);
    expect(marker(root)).toContain("built");
    expect(readFileSync(join(root, VENV_ASIDE, "pyvenv.cfg"), "utf8")).toContain("user");
    // A second foreign .venv goes beside the first, never over it.
    rmSync(join(root, ".venv"));
    mkdirSync(join(root, ".venv"));
    const again = fakeEnv(root, "again");
    expect(swapInEnvironment(root, again).movedAside).toBe(`${VENV_ASIDE}-2`);
    expect(lstatSync(join(root, ".venv")).isSymbolicLink()).toBe(true);
  });

  it("an unmarked environment under .dhtl/envs is foreign: never trusted, reused or removed", () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const planted = join(root, ENVS_DIR, "env-a");
    mkdirSync(join(planted, "bin"), { recursive: true });
    writeFileSync(join(planted, ".dhtl-env"), "0".repeat(64));
    symlinkSync(".dhtl/envs/env-a", join(root, ".venv"));
    expect(currentEnvironment(root)).toMatchObject({ kind: "foreign", isLink: true });
    recoverInterruptedRun(root);
    expect(existsSync(planted)).toBe(true);
    expect(newEnvironmentPath(root)).toBe(join(root, ENVS_DIR, "env-b"));
  });

  it("removes half-built environments but keeps the live one", () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const live = fakeEnv(root, "live");
    swapInEnvironment(root, live);
    const orphan = fakeEnv(root, "orphan");
    recoverInterruptedRun(root);
    expect(existsSync(orphan)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe("project lock", () => {
  it("refuses while another live process holds it (exit 4 after a short wait); nests within one process", async () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const other = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(projectLockPath(root), JSON.stringify({ pid: other.pid, host: hostname() }));
      const started = Date.now();
      await expect(acquireProjectLock(root, { waitMs: 300, pollMs: 50 })).rejects.toMatchObject({
        code: "refused",
        exitCode: 4,
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    } finally {
      other.kill("SIGKILL");
    }
    await new Promise((resolve) => other.on("exit", resolve));
    const held = await acquireProjectLock(root, { waitMs: 0 });
    const nested = await acquireProjectLock(root, { waitMs: 0 });
    nested.release();
    expect(existsSync(projectLockPath(root))).toBe(true);
    held.release();
    expect(existsSync(projectLockPath(root))).toBe(false);
  });

  it("takes over a lock whose process is dead", async () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid ?? 0)));
    writeFileSync(projectLockPath(root), JSON.stringify({ pid, host: hostname() }));
    const lock = await acquireProjectLock(root, { waitMs: 0 });
    expect(JSON.parse(readFileSync(projectLockPath(root), "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("a failed first session leaves no .dhtl behind", async () => {
    const root = tempProject();
    await expect(
      withProjectSession(root, async () => {
        throw new DhtlError("toolFailed", "boom");
      }),
    ).rejects.toThrow("boom");
    expect(existsSync(join(root, ".dhtl"))).toBe(false);
  });
});

describe("journal of rewritten files", () => {
  /** A project with a live environment and a uv.lock, and a run that rewrote uv.lock for a new environment. */
  function interruptedRun(swapped: boolean): string {
    const root = tempProject();
    ensureDhtlDir(root);
    swapInEnvironment(root, fakeEnv(root, "old"));
    writeFileSync(join(root, "uv.lock"), "old lock\n");
    const next = fakeEnv(root, "new");
    const backup = new FileBackup(root);
    backup.setEnvironment(next);
    backup.remember("uv.lock");
    backup.remember("requirements.in");
    writeFileSync(join(root, "uv.lock"), "new lock\n");
    writeFileSync(join(root, "requirements.in"), "six\n");
    if (swapped) swapInEnvironment(root, next);
    return root; // killed here: neither restore() nor commit() ran
  }

  it("a kill before the swap: the next run puts the files back as they were", async () => {
    const root = interruptedRun(false);
    expect(existsSync(journalPath(root))).toBe(true);
    const notes = await withProjectSession(root, async (found) => found);
    expect(notes[0]).toMatch(/restored requirements.in, uv.lock/);
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toBe("old lock\n");
    expect(existsSync(join(root, "requirements.in"))).toBe(false);
    expect(marker(root)).toContain("old");
    expect(existsSync(journalPath(root))).toBe(false);
  });

  it("a kill after the swap: the new files belong to the live environment and stay", async () => {
    const root = interruptedRun(true);
    await withProjectSession(root, async () => null);
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toBe("new lock\n");
    expect(marker(root)).toContain("new");
    expect(existsSync(journalPath(root))).toBe(false);
  });
});
