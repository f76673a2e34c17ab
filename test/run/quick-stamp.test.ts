import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sha256File } from "../../src/python/platform.js";
import { uniqueSitePackages } from "../../src/python/venv-info.js";
import { BASH_HOOK_FILE, FISH_HOOK_FILE, writeActivationHooks } from "../../src/run/hooks/activation.js";
import { QUICK_STAMP_END, QUICK_STAMP_FILE } from "../../src/run/quick-stamp.js";
import { cliPath, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";

/**
 * The activation scripts skip `validate-env --quick` while nothing it read changed since it last passed.
 * A real dhtl writes the stamp; real bash, zsh and fish read it; a logging wrapper around the real CLI
 * shows whether dhtl ran, and drift made after the stamp must still be reported.
 */
let base: string;
let project: string;
let venv: string;
let callLog: string;
let sitePackages: string;

beforeAll(() => {
  base = tempDir("dhtl-quick-stamp-");
  project = join(base, "app");
  venv = join(project, ".venv");
  mkdirSync(project);
  writeFileSync(
    join(project, "pyproject.toml"),
    '[project]\nname = "stamp-app"\nversion = "0.1.0"\nrequires-python = ">=3.8"\ndependencies = []\n',
  );
  const env = { ...process.env, VIRTUAL_ENV: "", UV_PYTHON_DOWNLOADS: "never" };
  execFileSync("uv", ["lock", "--quiet", "--python", "python3"], { cwd: project, env });
  execFileSync("uv", ["sync", "--quiet", "--frozen", "--python", "python3"], { cwd: project, env });
  writeFileSync(
    join(project, ".dhtconfig"),
    `schema: 1\nlock:\n  digest: ${sha256File(join(project, "uv.lock"))}\n  file: uv.lock\n`,
  );
  sitePackages = uniqueSitePackages(venv)[0]!;
  callLog = join(base, "calls.log");
  const wrapper = join(base, "dhtl-logged");
  writeFileSync(
    wrapper,
    `#!/bin/sh\necho "$*" >> '${callLog}'\nexec '${process.execPath}' '${cliPath}' "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  writeActivationHooks(project, venv, { dhtlCommand: [wrapper] });
});

afterAll(removeTempDirs);

const activate = {
  bash: ["bash", ["--noprofile", "--norc", "-c", `. .venv/bin/${BASH_HOOK_FILE}`]],
  zsh: ["zsh", ["-f", "-c", `. .venv/bin/${BASH_HOOK_FILE}`]],
  fish: ["fish", ["--no-config", "-c", `source .venv/bin/${FISH_HOOK_FILE}`]],
} as const;

function enterProject(shell: keyof typeof activate): { ran: boolean; stdout: string } {
  rmSync(callLog, { force: true });
  const [program, args] = activate[shell];
  const result = spawnSync(program, args, {
    cwd: project,
    encoding: "utf8",
    // Not the project: fish keeps its own files under HOME, and a new file in the root counts as a change.
    env: { PATH: process.env.PATH, HOME: base },
  });
  expect(result.stderr).toBe("");
  return { ran: existsSync(callLog), stdout: result.stdout };
}

/** The passing check, then the stamp's time moved back so that "later" edits are unambiguous. */
function passCheck(): void {
  const run = runCli(["validate-env", "--quick", "--quiet", project], project);
  expect(run.code).toBe(0);
  const stamp = join(venv, QUICK_STAMP_FILE);
  const watched = readFileSync(stamp, "utf8")
    .split("\n")
    .filter((line) => line && line !== QUICK_STAMP_END);
  expect(watched).toEqual(
    expect.arrayContaining([project, join(project, ".dhtconfig"), join(project, "uv.lock"), sitePackages]),
  );
  // As if the check ran a minute after the last change (the stamp is dated 2 s before the check began).
  utimesSync(stamp, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
  for (const path of watched.filter((path) => existsSync(path))) {
    utimesSync(path, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  }
}

describe.each(["bash", "zsh", "fish"] as const)("the activation script in %s", (shell) => {
  it("skips dhtl while nothing changed, and reports drift made after the stamp", () => {
    passCheck();
    expect(enterProject(shell)).toEqual({ ran: false, stdout: "" });

    // What `uv pip install x` leaves: a new distribution in site-packages.
    mkdirSync(join(sitePackages, "extra_pkg-1.0.dist-info"));
    try {
      const entered = enterProject(shell);
      expect(entered.ran).toBe(true);
      expect(entered.stdout).toContain("environment drift: 1 extra");
      // The failed check removed the stamp: drift is reported on every activation until repaired.
      expect(existsSync(join(venv, QUICK_STAMP_FILE))).toBe(false);
      expect(enterProject(shell).ran).toBe(true);
    } finally {
      rmSync(join(sitePackages, "extra_pkg-1.0.dist-info"), { recursive: true });
    }
  });

  it("does not trust a stamp cut short", () => {
    passCheck();
    const stamp = join(venv, QUICK_STAMP_FILE);
    const lines = readFileSync(stamp, "utf8").split("\n");
    expect(lines.at(-2)).toBe(QUICK_STAMP_END);
    writeFileSync(stamp, `${lines.slice(0, 2).join("\n")}\n`);
    utimesSync(stamp, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    expect(enterProject(shell)).toEqual({ ran: true, stdout: "" });
  });

  it("checks again after the lock or .dhtconfig changed", () => {
    passCheck();
    utimesSync(join(project, "uv.lock"), new Date(), new Date());
    expect(enterProject(shell)).toEqual({ ran: true, stdout: "" });
    passCheck();
    utimesSync(join(project, ".dhtconfig"), new Date(), new Date());
    expect(enterProject(shell)).toEqual({ ran: true, stdout: "" });
  });
});
