import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import { SMALL_PROJECT, writeTree } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 9: uv hardlinks installed files from its cache by default, so one project's `.venv` shared
 * inodes with the cache and every other project. dhtl installs with `copy` (or a probed `clone`), and checks
 * every new environment against its RECORD hashes before swapping it in. Each test has its own uv cache.
 */
let cache: string;
const env = () => ({ UV_CACHE_DIR: cache, UV_LINK_MODE: "hardlink" });

function project(name: string): string {
  const root = tempDir(`dhtl-${name}-`);
  writeTree(root, SMALL_PROJECT);
  const setup = runCli(["setup", "--yes"], root, env());
  expect(setup.code, describeRun(setup)).toBe(0);
  return root;
}

function installed(root: string, file: string): string {
  const lib = join(root, ".venv", "lib");
  return join(lib, readdirSync(lib).find((entry) => entry.startsWith("python"))!, "site-packages", file);
}

/** Every file under uv's cache named `name` (the unpacked wheels). */
function cachedFiles(name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name === name) found.push(path);
    }
  };
  walk(cache);
  return found;
}

beforeAll(() => {
  cache = tempDir("dhtl-uv-cache-");
});

describe("item 9: one project's environment shares nothing with uv's cache or another project", () => {
  it("editing a file in A's .venv changes neither B's .venv nor uv's cache (even with UV_LINK_MODE=hardlink set)", () => {
    const a = project("a");
    const b = project("b");
    const six = installed(a, "six.py");
    expect(statSync(six).nlink).toBe(1);
    const cacheBefore = treeHash(cache, { ignore: ["__pycache__", ".lock"] });
    const bBefore = readFileSync(installed(b, "six.py"), "utf8");
    appendFileSync(six, "\nraise SystemExit('edited in project A')\n");
    appendFileSync(installed(a, "six-1.16.0.dist-info/METADATA"), "corrupted\n");
    expect(readFileSync(installed(b, "six.py"), "utf8")).toBe(bBefore);
    expect(treeHash(cache, { ignore: ["__pycache__", ".lock"] })).toBe(cacheBefore);
    // A is repaired from the intact cache; B never noticed.
    expect(runCli(["validate-env"], a).code).toBe(1);
    const repaired = runCli(["regenerate", "--force", "--yes"], a, env());
    expect(repaired.code, describeRun(repaired)).toBe(0);
    expect(runCli(["validate-env"], a).code).toBe(0);
    expect(runCli(["validate-env"], b).code).toBe(0);
  });

  it("DHTL_LINK_MODE=hardlink (the user's own choice) shares the files with uv's cache, says so, and still validates", () => {
    const root = tempDir("dhtl-hardlink-");
    writeTree(root, SMALL_PROJECT);
    const setup = runCli(["setup", "--yes"], root, { UV_CACHE_DIR: cache, DHTL_LINK_MODE: "hardlink" });
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).toContain("note: DHTL_LINK_MODE=hardlink: the environment shares its files");
    expect(statSync(installed(root, "six.py")).nlink).toBeGreaterThan(1);
    expect(runCli(["validate-env"], root).code).toBe(0);
    const wrong = runCli(["setup", "--yes"], root, { UV_CACHE_DIR: cache, DHTL_LINK_MODE: "symlink" });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('DHTL_LINK_MODE="symlink" is not one of auto, copy, hardlink');
  });

  it("a damaged file in uv's cache is caught before the swap: nothing goes live, the hint says uv cache clean", () => {
    project("warm");
    const cached = cachedFiles("six.py");
    expect(cached.length).toBeGreaterThan(0);
    for (const file of cached) appendFileSync(file, "\n# damaged in the cache\n");
    const root = tempDir("dhtl-c-");
    writeTree(root, SMALL_PROJECT);
    const before = treeHash(root);
    const setup = runCli(["setup", "--yes"], root, env());
    expect(setup.code, describeRun(setup)).toBe(3);
    expect(setup.stderr).toMatch(/six\.py differs from the hash its RECORD lists/);
    expect(setup.stderr).toContain("uv cache clean");
    expect(existsSync(join(root, ".venv"))).toBe(false);
    expect(treeHash(root)).toBe(before);
    execFileSync("uv", ["cache", "clean", "--quiet"], { env: { ...process.env, UV_CACHE_DIR: cache } });
    const retry = runCli(["setup", "--yes"], root, env());
    expect(retry.code, describeRun(retry)).toBe(0);
  });

  it("a wheel whose RECORD is wrong about its own files (debugpy 1.6.5) is told from a damaged cache by a fresh download", () => {
    // debugpy 1.6.5's py2.py3 wheel lists hashes for eight Windows binaries that are not the binaries it
    // ships: every notebook environment resolved as of early 2023 has it (ipykernel needs it).
    const root = tempDir("dhtl-record-");
    writeTree(root, { "requirements.txt": "debugpy==1.6.5\n", ".python-version": "3.11\n" });
    // With hardlinks the environment's RECORD starts as the cache's own file: the correction must not reach it.
    const setup = runCli(["setup", "--yes"], root, { ...env(), DHTL_LINK_MODE: "hardlink" });
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).toContain("debugpy 1.6.5's wheel lists wrong hashes for 8 files in its RECORD");
    // The environment's RECORD now names the real hash of what the wheel ships; uv's cache keeps its own copy.
    const binary = "debugpy/_vendored/pydevd/pydevd_attach_to_process/attach_x86.dll";
    const actual = createHash("sha256")
      .update(readFileSync(installed(root, binary)))
      .digest("base64url");
    const row = (record: string) => record.split("\n").find((line) => line.startsWith(`${binary},`));
    expect(row(readFileSync(installed(root, "debugpy-1.6.5.dist-info/RECORD"), "utf8"))).toContain(
      `sha256=${actual},`,
    );
    const cachedRecords = cachedFiles("RECORD").filter((file) => file.includes("debugpy-1.6.5.dist-info"));
    expect(cachedRecords.length).toBeGreaterThan(0);
    for (const file of cachedRecords) expect(row(readFileSync(file, "utf8"))).not.toContain(actual);
    const validate = runCli(["validate-env"], root, env());
    expect(validate.code, describeRun(validate)).toBe(0);
  });
});
