import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type CliRun, cliPath, describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import { SMALL_PROJECT, type Tree, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 13: errors that are not dhtl's — a read-only project (EROFS), no permission (EACCES), a full
 * disk (ENOSPC) — were "internal error", exit 70. They are exit 5 naming the path, on every channel, and
 * nothing changes. Real file systems: tmpfs mounts (read-only, or tiny) where this machine allows mounting,
 * and a user without write permission.
 */
const asRoot = process.getuid?.() === 0;
const mounts: string[] = [];

function mountTmpfs(options: string): string | null {
  const dir = tempDir("dhtl-mount-");
  const result = spawnSync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", dir], { encoding: "utf8" });
  if (result.status !== 0) return null;
  mounts.push(dir);
  return dir;
}

// Mounting needs root (and a container that allows it): probed once, and the tmpfs tests skip (and say so) without it.
const canMount = asRoot && mountTmpfs("size=64k") !== null;
afterAll(() => {
  for (const dir of mounts.reverse()) spawnSync("umount", ["-l", dir]);
});

/** A project on a tmpfs mount, then remounted read-only. */
function readOnlyProject(tree: Tree): string {
  const dir = mountTmpfs("size=1m")!;
  writeTree(dir, tree);
  expect(spawnSync("mount", ["-o", "remount,ro", dir]).status).toBe(0);
  return dir;
}

/** A project on a tiny tmpfs whose free space is filled but for `freeKb`. */
function fullProject(tree: Tree, freeKb: number): string {
  const dir = mountTmpfs("size=2m")!;
  writeTree(dir, tree);
  spawnSync("dd", ["if=/dev/zero", `of=${join(dir, ".filler")}`, "bs=4k"], { encoding: "utf8" });
  if (freeKb > 0) spawnSync("truncate", ["-s", `-${freeKb}K`, join(dir, ".filler")]);
  return dir;
}

function expectCannotWrite(run: CliRun, path: RegExp): void {
  expect(run.code, describeRun(run)).toBe(5);
  expect(run.stderr).toMatch(/^error: cannot write/m);
  expect(run.stderr).toMatch(path);
  expect(run.stderr).toContain("nothing was changed");
  expect(run.stderr).not.toContain("internal error");
}

describe("item 13: a read-only project (EROFS)", () => {
  it.skipIf(!canMount)(
    "setup (text and --json) and migrate --yes: exit 5 naming the path; without .dhtconfig regenerate is exit 2 [needs mount]",
    () => {
      const root = readOnlyProject(SMALL_PROJECT);
      const before = treeHash(root);
      expectCannotWrite(runCli(["setup", "--yes"], root), /\.dhtl: read-only file system \(EROFS\)/);
      const json = runCli(["setup", "--yes", "--json"], root);
      expect(JSON.parse(json.stdout)).toMatchObject({
        ok: false,
        error: { code: "cannotWrite", exitCode: 5 },
      });
      expectCannotWrite(runCli(["migrate", "--yes"], root), /read-only file system/);
      const regenerate = runCli(["regenerate", "--yes"], root);
      expect(regenerate.code, describeRun(regenerate)).toBe(2);
      expect(regenerate.stderr).toMatch(/no \.dhtconfig/);
      expect(treeHash(root)).toBe(before);
    },
  );
});

describe("item 13: a full disk (ENOSPC)", () => {
  it.skipIf(!canMount).each([0, 48])(
    "setup with %i KB free: exit 5, the project exactly as it was [needs mount]",
    (freeKb) => {
      const root = fullProject(SMALL_PROJECT, freeKb);
      const before = treeHash(root);
      expectCannotWrite(
        runCli(["setup", "--yes", "--debug"], root),
        /no space left on the device \(ENOSPC\)/,
      );
      expect(treeHash(root)).toBe(before);
    },
  );
});

describe("item 13: no permission (EACCES)", () => {
  it("setup by a user who may not write the project: exit 5 naming it, nothing changed", () => {
    // As root, permissions do not apply: the run drops to `nobody`, with its own dhtl home.
    const base = mkdtempSync("/tmp/dhtl-eacces-");
    try {
      chmodSync(base, 0o755);
      const root = join(base, "project");
      mkdirSync(root);
      writeTree(root, SMALL_PROJECT);
      const home = join(base, "home");
      mkdirSync(home);
      chmodSync(home, 0o777);
      if (!asRoot) chmodSync(root, 0o555);
      const before = treeHash(root);
      const argv = [process.execPath, cliPath, "setup", "--yes", root];
      const command = asRoot
        ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", ...argv]
        : argv;
      const result = spawnSync(command[0]!, command.slice(1), {
        cwd: base,
        encoding: "utf8",
        env: { PATH: process.env.PATH, HOME: home, DHTL_HOME: home, TMPDIR: home, NO_COLOR: "1", CI: "1" },
      });
      expectCannotWrite(
        { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr },
        /project\/\.dhtl: permission denied \(EACCES\)/,
      );
      expect(treeHash(root)).toBe(before);
    } finally {
      chmodSync(join(base, "project"), 0o755);
      rmSync(base, { recursive: true, force: true });
    }
  });
});
