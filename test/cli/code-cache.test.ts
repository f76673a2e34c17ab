import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as nodeModule from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

/** bin/dhtl.js starts the bundle through V8's code cache, one file per command under `$DHTL_HOME/cache`. */
function cacheFiles(home: string): string[] {
  const base = join(home, "cache", "code-cache");
  if (!existsSync(base)) return [];
  return readdirSync(base, { recursive: true, encoding: "utf8" }).filter((entry) => entry.endsWith(".bin"));
}

/** Node >= 22.1 keeps the compile cache itself; bin/dhtl.js keeps V8's code cache by hand only on Node 20. */
const nodeHasCompileCache = "enableCompileCache" in nodeModule;

describe.skipIf(nodeHasCompileCache)("the code cache bin/dhtl.js keeps (Node 20)", () => {
  it("is written on the first run of a command, used after, and replaced when unusable", () => {
    const home = tempDir("dhtl-code-cache-");
    // A cache of an earlier build: a new build's first run removes it.
    mkdirSync(join(home, "cache", "code-cache", "earlier-build"), { recursive: true });
    writeFileSync(join(home, "cache", "code-cache", "earlier-build", "analyze.bin"), "old");

    const first = runCli(["analyze", "--help"], home, { DHTL_HOME: home });
    expect(first.code, describeRun(first)).toBe(0);
    const files = cacheFiles(home);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+-\d+\/analyze\.bin$/);
    const file = join(home, "cache", "code-cache", files[0]!);
    const written = readFileSync(file);
    expect(written.length).toBeGreaterThan(10_000);

    // Used as it is: same output, file untouched.
    const second = runCli(["analyze", "--help"], home, { DHTL_HOME: home });
    expect(second.stdout).toBe(first.stdout);
    expect(readFileSync(file).equals(written)).toBe(true);

    // Garbage is rejected by V8, the command still runs, and a good cache replaces it.
    writeFileSync(file, "not a code cache");
    const third = runCli(["analyze", "--help"], home, { DHTL_HOME: home });
    expect(third.code, describeRun(third)).toBe(0);
    expect(third.stdout).toBe(first.stdout);
    expect(readFileSync(file).length).toBeGreaterThan(10_000);
  });

  it("is not written with DHTL_NO_CODE_CACHE set", () => {
    const home = tempDir("dhtl-code-cache-");
    const run = runCli(["analyze", "--help"], home, { DHTL_HOME: home, DHTL_NO_CODE_CACHE: "1" });
    expect(run.code, describeRun(run)).toBe(0);
    expect(cacheFiles(home)).toEqual([]);
  });
});

describe.runIf(nodeHasCompileCache)("Node's compile cache, where Node has one", () => {
  const compileCacheFiles = (home: string): string[] => {
    const base = join(home, "cache", "compile-cache");
    if (!existsSync(base)) return [];
    return readdirSync(base, { recursive: true, encoding: "utf8" });
  };

  it("is kept in dhtl's cache directory, and no hand-made code cache beside it", () => {
    const home = tempDir("dhtl-code-cache-");
    const first = runCli(["analyze", "--help"], home, { DHTL_HOME: home });
    expect(first.code, describeRun(first)).toBe(0);
    expect(compileCacheFiles(home).length).toBeGreaterThan(0);
    expect(cacheFiles(home)).toEqual([]);
    const second = runCli(["analyze", "--help"], home, { DHTL_HOME: home });
    expect(second.stdout).toBe(first.stdout);
  });

  it("is not used with DHTL_NO_CODE_CACHE set", () => {
    const home = tempDir("dhtl-code-cache-");
    const run = runCli(["analyze", "--help"], home, { DHTL_HOME: home, DHTL_NO_CODE_CACHE: "1" });
    expect(run.code, describeRun(run)).toBe(0);
    expect(compileCacheFiles(home)).toEqual([]);
  });
});
