import { spawn } from "node:child_process";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DhtlError } from "../core/errors.js";
import { acquireProjectLock, LOCK_FILE } from "./project-lock.js";
import { withProjectSession } from "./session.js";
import {
  currentEnvironment,
  ENVS_DIR,
  ensureDhtlDir,
  newEnvironmentPath,
  recoverInterruptedRun,
  swapInEnvironment,
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

/** A stand-in environment: just enough files to tell two apart. */
function fakeEnv(root: string, marker: string): string {
  const path = newEnvironmentPath(root);
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

  it("moves a user's real .venv aside, and puts it back when a kill left no .venv", () => {
    const root = tempProject();
    mkdirSync(join(root, ".venv"));
    writeFileSync(join(root, ".venv", "pyvenv.cfg"), "marker = user\n");
    ensureDhtlDir(root);
    const built = fakeEnv(root, "built");
    // Simulate a kill between the move aside and the symlink rename.
    renameSync(join(root, ".venv"), `${built}-previous.aside`);
    expect(currentEnvironment(root).kind).toBe("none");
    const notes = recoverInterruptedRun(root);
    expect(notes[0]).toMatch(/restored/);
    expect(lstatSync(join(root, ".venv")).isDirectory()).toBe(true);
    expect(marker(root)).toContain("user");
    expect(existsSync(built)).toBe(false);
    // The full swap replaces the directory with a symlink and drops the old one.
    const again = fakeEnv(root, "again");
    swapInEnvironment(root, again);
    expect(lstatSync(join(root, ".venv")).isSymbolicLink()).toBe(true);
    expect(marker(root)).toContain("again");
    // The user's directory is on its way out in the background.
    expect(readdirSync(join(root, ENVS_DIR)).filter((entry) => !entry.endsWith(".trash"))).toHaveLength(1);
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
  it("refuses a second holder with exit 4 after a short wait, then frees on release", async () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const held = await acquireProjectLock(root);
    const started = Date.now();
    const second = acquireProjectLock(root, { waitMs: 300, pollMs: 50 });
    await expect(second).rejects.toMatchObject({ code: "refused", exitCode: 4 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    held.release();
    expect(existsSync(join(root, LOCK_FILE))).toBe(false);
    (await acquireProjectLock(root)).release();
  });

  it("takes over a lock whose process is dead", async () => {
    const root = tempProject();
    ensureDhtlDir(root);
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = await new Promise<number>((resolve) => child.on("exit", () => resolve(child.pid ?? 0)));
    writeFileSync(join(root, LOCK_FILE), JSON.stringify({ pid, host: hostname() }));
    const lock = await acquireProjectLock(root, { waitMs: 0 });
    expect(JSON.parse(readFileSync(join(root, LOCK_FILE), "utf8")).pid).toBe(process.pid);
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
