import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { journalPath } from "../../src/run/file-backup.js";
import { projectLockPath } from "../../src/run/project-lock.js";
import { describeRun, runCli, startCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

afterAll(removeTempDirs);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once a non-live environment under .dhtl/envs has packages landing in it (uv is installing). */
async function whenInstalling(root: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  const live = readlinkSync(join(root, ".venv")).split("/").pop();
  while (Date.now() < deadline) {
    for (const entry of readdirSync(join(root, ".dhtl", "envs"))) {
      if (entry === live || entry.endsWith(".trash")) continue;
      const lib = join(root, ".dhtl", "envs", entry, "lib");
      const site = existsSync(lib) ? readdirSync(lib).map((py) => join(lib, py, "site-packages")) : [];
      if (site.some((dir) => existsSync(dir) && readdirSync(dir).length > 2)) return true;
    }
    await sleep(5);
  }
  return false;
}

describe("robustness (e2e)", () => {
  it("kill -9 at several moments of regenerate leaves the previous .venv valid; the next run cleans up", async () => {
    const root = copyFixtureDir("projects/django-app");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    const kills: { label: string; at: () => Promise<unknown> }[] = [
      { label: "at start", at: () => sleep(60) },
      {
        label: "while uv installs",
        at: async () => expect(await whenInstalling(root, 20_000), "uv never started installing").toBe(true),
      },
      { label: "later", at: () => sleep(700) },
    ];
    for (const kill of kills) {
      const child = startCli(["regenerate", "--force", "--yes"], root);
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await kill.at();
      // The whole process group: dhtl and the uv it started.
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {}
      await exited;
      const valid = runCli(["validate-env"], root);
      expect(valid.code, `${kill.label}\n${describeRun(valid)}`).toBe(0);
    }
    const again = runCli(["regenerate", "--force", "--yes"], root);
    expect(again.code, describeRun(again)).toBe(0);
    // Replaced environments may still be on their way out (`.trash`, deleted in the background).
    const envs = readdirSync(join(root, ".dhtl", "envs")).filter((entry) => !entry.endsWith(".trash"));
    expect(envs).toHaveLength(1);
    expect(existsSync(projectLockPath(root))).toBe(false);
  });

  it("kill -9 during a setup that re-locks: the next run puts the previous lock back", async () => {
    const root = copyFixtureDir("projects/django-app");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    const lockPath = join(root, ".dhtl", "requirements.lock");
    const lockBefore = readFileSync(lockPath, "utf8");
    const requirements = join(root, "requirements.txt");
    const original = readFileSync(requirements, "utf8");
    writeFileSync(requirements, `${original}idna\n`);
    const child = startCli(["setup", "--yes"], root);
    const exited = new Promise((resolve) => child.on("exit", resolve));
    expect(await whenInstalling(root, 20_000), "uv never started installing").toBe(true);
    try {
      process.kill(-(child.pid ?? 0), "SIGKILL");
    } catch {}
    await exited;
    expect(readFileSync(lockPath, "utf8")).toMatch(/^idna==/m); // rewritten before the kill
    writeFileSync(requirements, original); // the user gives up on the change
    const regenerate = runCli(["regenerate", "--yes"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(readFileSync(lockPath, "utf8")).toBe(lockBefore);
    expect(existsSync(journalPath(root))).toBe(false);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });

  it("a bad hash in the user's hashed requirements fails naming the package and changes nothing", () => {
    const root = copyFixtureDir("projects/hashed-req");
    const first = runCli(["setup", "--yes"], root);
    expect(first.code, describeRun(first)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toMatch(/file: requirements\.txt/);
    expect(existsSync(join(root, ".dhtl", "requirements.lock"))).toBe(false);
    const requirements = join(root, "requirements.txt");
    writeFileSync(
      requirements,
      readFileSync(requirements, "utf8").replace(/sha256:[0-9a-f]{8}/g, "sha256:00000000"),
    );
    const before = treeHash(root, { ignore: ["__pycache__"] });
    const result = runCli(["setup", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(3);
    expect(result.stderr).toMatch(/hash mismatch for six/i);
    expect(treeHash(root, { ignore: ["__pycache__"] })).toBe(before);
  });

  it("malformed manifests stop setup with file:line and leave nothing behind", () => {
    const root = copyFixtureDir("projects/malformed-pyproject");
    const before = treeHash(root, { ignore: ["__pycache__"] });
    const result = runCli(["setup", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toMatch(/pyproject\.toml(:\d+)?:/);
    expect(treeHash(root, { ignore: ["__pycache__"] })).toBe(before);
  });

  it("a second dhtl on the same project waits, then refuses with exit 4", () => {
    const root = copyFixtureDir("projects/uv-app");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    // This test process is alive on this host: its lock (in the user's state directory) is not stale.
    writeFileSync(projectLockPath(root), JSON.stringify({ pid: process.pid, host: hostname() }));
    const started = Date.now();
    const result = runCli(["regenerate", "--force", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(4);
    expect(result.stderr).toMatch(/another dhtl \(pid \d+/);
    expect(Date.now() - started).toBeGreaterThan(2000);
    expect(runCli(["validate-env"], root).code).toBe(0);
  });
});
