import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

afterAll(removeTempDirs);

function installed(root: string): string[] {
  const lib = join(root, ".venv", "lib");
  const site = join(lib, readdirSync(lib)[0]!, "site-packages");
  return readdirSync(site)
    .filter((entry) => entry.endsWith(".dist-info"))
    .map((entry) => entry.replace(/-[^-]+\.dist-info$/, "").toLowerCase())
    .sort();
}

describe("optional-dependency extras (e2e, uv project)", () => {
  it("installs the extras asked for (by default the one named for tests), records them, and regenerate and setup keep them", () => {
    const root = copyFixtureDir("projects/extras-app");
    // An extra named `test` is what a contributor installs to run the tests: installed by default, said.
    const plain = runCli(["setup", "--yes"], root);
    expect(plain.code, describeRun(plain)).toBe(0);
    expect(plain.stderr).toContain(
      "note: installing the extra test by default: named for development and tests",
    );
    expect(installed(root)).toEqual(["extras_app", "iniconfig", "six"]);
    const none = runCli(["setup", "--extras", "", "--yes", "--quiet"], root);
    expect(none.code, describeRun(none)).toBe(0);
    expect(installed(root)).toEqual(["extras_app", "six"]);

    const withTest = runCli(["setup", "--extras", "Test", "--yes", "--quiet"], root);
    expect(withTest.code, describeRun(withTest)).toBe(0);
    expect(installed(root)).toEqual(["extras_app", "iniconfig", "six"]);
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toContain("extras:\n  - test\n");

    // The record alone brings the extra back: regenerate to the same checksum, a plain setup keeps it.
    const regenerate = runCli(["regenerate", "--force", "--yes", "--quiet"], root);
    expect(regenerate.code, describeRun(regenerate)).toBe(0);
    expect(installed(root)).toEqual(["extras_app", "iniconfig", "six"]);
    const valid = runCli(["validate-env", "--json"], root);
    expect(valid.code, describeRun(valid)).toBe(0);
    expect(cliJson<{ ok: boolean }>(valid).ok).toBe(true);
    const again = runCli(["setup", "--yes", "--quiet"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toBe(config);

    // `all` names the project's own `test` extra: followed, never fetched as a package.
    const all = runCli(["setup", "--all-extras", "--yes", "--quiet"], root);
    expect(all.code, describeRun(all)).toBe(0);
    expect(installed(root)).toEqual(["extras_app", "idna", "iniconfig", "six"]);

    // `--extras ''` takes every extra away again, and the record with it.
    const dropped = runCli(["setup", "--extras", "", "--yes", "--quiet"], root);
    expect(dropped.code, describeRun(dropped)).toBe(0);
    expect(installed(root)).toEqual(["extras_app", "six"]);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("extras:");
  });

  it("refuses an extra the project does not declare, naming the declared ones, and changes nothing", () => {
    const root = copyFixtureDir("projects/extras-app");
    const before = treeHash(root);
    const result = runCli(["setup", "--extras", "docs", "--yes"], root);
    expect(result.code, describeRun(result)).toBe(2);
    expect(result.stderr).toContain("the project declares no extra `docs`");
    expect(result.stderr).toContain("declared extras: all, test");
    expect(treeHash(root)).toBe(before);
  });
});
