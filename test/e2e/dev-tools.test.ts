import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ValidationReport } from "../../src/verify/validate.js";
import { git, gitOk, initRepo } from "../support/git.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

interface BuildJson {
  upToDate: boolean;
  tools: Record<string, string>;
  gitHooks: { status: string; command: string[] } | null;
}

const toolsDir = () => join(process.env.DHTL_HOME!, "tools");

function versionOf(root: string, command: string): string {
  return execFileSync(join(root, ".venv", "bin", command), ["--version"], { encoding: "utf8" }).trim();
}

describe("dev tools the lock lacks (e2e, real uv tool and pre-commit)", () => {
  it("setup installs them isolated and pinned, records them, exposes them; validate, fix-env and regenerate keep them", () => {
    const root = copyFixtureDir("projects/tools-app");
    initRepo(root);

    // Not a terminal and no --yes: the hooks are not installed, the command to do it is printed.
    const setup = runCli(["setup", "--json"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    const built = cliJson<BuildJson>(setup);
    // ruff keeps the version .dhtconfig records; pre-commit (the config) and tox (tox.ini) are resolved once.
    expect(built.tools.ruff).toBe("0.6.9");
    expect(Object.keys(built.tools).sort()).toEqual(["pre-commit", "ruff", "tox"]);
    // isort is configured (.isort.cfg) but requirements-dev.txt declares it: the lock's copy, no tool.
    expect(readFileSync(join(root, ".venv", "bin", "isort"), "utf8")).not.toContain("dhtl tool");
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(
      /tools:\n {2}pre-commit: \d+\.\d+\.\d+\n {2}ruff: 0\.6\.9\n {2}tox: \d+\.\d+\.\d+/,
    );
    expect(built.gitHooks).toMatchObject({ status: "declined" });
    expect(built.gitHooks?.command.at(-1)).toBe("install");
    expect(setup.stderr).toMatch(/to install the git hooks run: .*pre-commit install/);
    expect(existsSync(join(root, ".git", "hooks", "pre-commit"))).toBe(false);

    // The pinned tools answer from .venv/bin; nothing of theirs is in the project's environment.
    expect(versionOf(root, "ruff")).toBe("ruff 0.6.9");
    expect(versionOf(root, "tox")).toContain(built.tools.tox);
    const homes = readdirSync(toolsDir());
    expect(homes).toEqual(expect.arrayContaining([expect.stringMatching(/^ruff-0\.6\.9-py3\.\d+$/)]));
    const report = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(report).toMatchObject({ ok: true, drift: { extra: [], tools: [] } });

    // With consent (regenerate --yes on the valid environment), pre-commit installs the hooks, and a
    // commit runs the local hook with the pinned ruff from an activated shell's PATH.
    const regenerated = runCli(["regenerate", "--yes", "--json"], root);
    expect(regenerated.code, describeRun(regenerated)).toBe(0);
    expect(cliJson<BuildJson>(regenerated)).toMatchObject({
      upToDate: true,
      gitHooks: { status: "installed" },
    });
    writeFileSync(join(root, "unused.py"), "import os\n");
    gitOk(root, ["add", "unused.py"]);
    const activated = { PATH: `${join(root, ".venv", "bin")}${delimiter}${process.env.PATH}` };
    const blocked = git(root, ["commit", "-m", "unused import"], activated);
    expect(blocked.status, blocked.output).not.toBe(0);
    expect(blocked.output).toMatch(/F401/);

    // Another version recorded (a teammate's change): drift, then fix-env repairs only the tool.
    writeFileSync(join(root, ".dhtconfig"), config.replace("ruff: 0.6.9", "ruff: 0.6.8"));
    const drifted = runCli(["validate-env", "--json"], root);
    expect(drifted.code, describeRun(drifted)).toBe(1);
    expect(cliJson<ValidationReport>(drifted).drift.tools).toEqual([
      { name: "ruff", expected: "0.6.8", actual: "0.6.9", problem: "ruff 0.6.8 is not installed" },
    ]);
    const venvBefore = readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8");
    const fixed = runCli(["fix-env", "--yes"], root);
    expect(fixed.code, describeRun(fixed)).toBe(0);
    expect(versionOf(root, "ruff")).toBe("ruff 0.6.8");
    expect(readFileSync(join(root, ".venv", "pyvenv.cfg"), "utf8")).toBe(venvBefore);
    expect(runCli(["validate-env"], root).code).toBe(0);

    // A tool environment gone from this machine: reported, and regenerate puts it back without a rebuild.
    for (const home of readdirSync(toolsDir()).filter((entry) => entry.startsWith("tox-")))
      rmSync(join(toolsDir(), home), { recursive: true, force: true });
    const missing = cliJson<ValidationReport>(runCli(["validate-env", "--json"], root));
    expect(missing.drift.tools.map((tool) => tool.name)).toEqual(["tox"]);
    const restored = runCli(["regenerate", "--yes"], root);
    expect(restored.code, describeRun(restored)).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);

    // A fresh .venv (a clone on another machine): regenerate installs the recorded tools again.
    rmSync(join(root, ".venv"));
    const rebuilt = runCli(["regenerate", "--yes", "--json"], root);
    expect(rebuilt.code, describeRun(rebuilt)).toBe(0);
    expect(cliJson<BuildJson>(rebuilt).tools).toMatchObject({ ruff: "0.6.8" });
    expect(versionOf(root, "ruff")).toBe("ruff 0.6.8");
    // The hook scripts name the pinned pre-commit's own interpreter: they outlive the rebuild.
    const committed = git(root, ["commit", "-m", "unused import"], activated);
    expect(committed.output).toMatch(/F401/);
  });
});
