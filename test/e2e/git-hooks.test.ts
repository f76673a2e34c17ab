import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { git, gitOk, hookRepoStandIns, initRepo } from "../support/git.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

interface SetupJson {
  gitHooks: { status: string; command: string[]; hookTypes: string[] } | null;
  tools: Record<string, string>;
}

describe("standardize, then setup: a repository whose git hooks run (e2e, real pre-commit)", () => {
  it("standardize --yes and setup --yes leave pre-commit hooks that fix and block a bad commit", () => {
    const root = copyFixtureDir("projects/uv-app");
    initRepo(root);
    const standardized = runCli(["standardize", "--yes"], root);
    expect(standardized.code, describeRun(standardized)).toBe(0);
    const config = readFileSync(join(root, ".pre-commit-config.yaml"), "utf8");
    expect(config).toContain("https://github.com/pre-commit/pre-commit-hooks");
    expect(config).toContain("https://github.com/astral-sh/ruff-pre-commit");

    const setup = runCli(["setup", "--yes", "--json"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    const outcome = cliJson<SetupJson>(setup);
    // standardize put pre-commit in the dev group: the lock's pre-commit installs the hooks, no tool twice.
    expect(outcome.tools).toEqual({});
    expect(outcome.gitHooks).toMatchObject({ status: "installed", hookTypes: ["pre-commit"] });
    const hook = readFileSync(join(root, ".git", "hooks", "pre-commit"), "utf8");
    // The hook names .venv's interpreter, which stays valid when a rebuilt environment is swapped in.
    expect(hook).toContain(`INSTALL_PYTHON=${join(root, ".venv", "bin", "python")}`);

    // A commit with trailing whitespace: the real hooks (pre-commit-hooks, ruff) run, fix the file and stop it.
    const { env } = hookRepoStandIns();
    writeFileSync(join(root, "src", "uv_app", "extra.py"), "VALUE = 1   \n");
    gitOk(root, ["add", "src/uv_app/extra.py"]);
    const blocked = git(root, ["commit", "-m", "add extra"], env);
    expect(blocked.status, blocked.output).not.toBe(0);
    expect(blocked.output).toMatch(/trim trailing whitespace\.+Failed/);
    expect(blocked.output).toMatch(/ruff check\.+Passed/);
    expect(readFileSync(join(root, "src", "uv_app", "extra.py"), "utf8")).toBe("VALUE = 1\n");
    gitOk(root, ["add", "src/uv_app/extra.py"]);
    const committed = git(root, ["commit", "-m", "add extra"], env);
    expect(committed.status, committed.output).toBe(0);
    expect(committed.output).toMatch(/trim trailing whitespace\.+Passed/);

    // A later build (here regenerate, after a clone) finds the hooks in place and asks nothing.
    const again = runCli(["regenerate", "--json"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(cliJson<SetupJson>(again).gitHooks).toMatchObject({ status: "present" });
    expect(existsSync(join(root, ".git", "hooks", "pre-commit.legacy"))).toBe(false);
  });
});
