import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";
import { dhtlClone, git, hostileRepo, SMALL_PROJECT, watchedOutside } from "./hostile.js";

afterAll(removeTempDirs);

/**
 * Issue 9, item 4: `eval "$(dhtl hook bash)"`, then `cd` into a repository that commits
 * `.venv/bin/activate.dht`. The hook sources only what `dhtl allow` (or a setup on this machine) recorded,
 * unchanged since; anything else gets one line saying how to allow it.
 */
const SHELLS = ["bash", "zsh", "fish"] as const;
type Shell = (typeof SHELLS)[number];

let outside: ReturnType<typeof watchedOutside>;
let pwned: string;
let origin: string;

beforeAll(() => {
  outside = watchedOutside();
  pwned = join(outside.dir, "..", "pwned");
  const payload = `touch '${pwned}'\n`;
  origin = hostileRepo({
    ...SMALL_PROJECT,
    ".venv/bin/activate.dht": payload,
    ".venv/bin/activate.dht.fish": payload,
    ".venv/bin/activate": payload,
    ".venv/bin/activate.fish": payload,
  });
});

/** Loads the real `dhtl hook <shell>` snippet, visits each directory (playing bash's prompt), shows the venv. */
function visit(shell: Shell, dirs: string[]): { stdout: string; stderr: string } {
  const snippet = join(tempDir("dhtl-hook-snippet-"), `hook.${shell}`);
  const hook = runCli(["hook", shell], "/");
  expect(hook.code, describeRun(hook)).toBe(0);
  writeFileSync(snippet, hook.stdout);
  const prompt = shell === "bash" ? 'eval "$PROMPT_COMMAND"' : "true";
  const load = shell === "fish" ? `source '${snippet}'` : `. '${snippet}'`;
  const steps = dirs.flatMap((dir) => [`cd '${dir}'`, prompt, 'echo "[$VIRTUAL_ENV]"']);
  const args =
    shell === "bash"
      ? ["--noprofile", "--norc", "-c"]
      : shell === "zsh"
        ? ["-f", "-c"]
        : ["--no-config", "-c"];
  const result = spawnSync(shell, [...args, [load, ...steps].join("; ")], {
    cwd: "/",
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: tempDir("dhtl-hook-home-"), DHTL_HOME: process.env.DHTL_HOME },
  });
  expect(result.status, result.stderr).toBe(0);
  return { stdout: result.stdout, stderr: result.stderr };
}

describe.each(SHELLS)("item 4: the cd hook in %s", (shell) => {
  it("never sources a committed activation script; prints one line saying how to allow", () => {
    const clone = join(tempDir("dhtl-plain-"), "repo");
    git("/", "clone", "-q", "--", origin, clone);
    const { stdout, stderr } = visit(shell, [clone, join(clone, ".venv"), "/"]);
    expect(existsSync(pwned)).toBe(false);
    expect(outside.changed()).toBe(false);
    expect(stdout).toBe("[]\n[]\n[]\n");
    expect(stderr.trim().split("\n")).toEqual([
      `dhtl: not activating ${clone} (not allowed, or its activation script changed); to trust it: dhtl allow ${clone}`,
    ]);
  });
});

describe("item 4: allow is opt-in, per project, for what dhtl built here", () => {
  it("dhtl clone does not allow; dhtl allow does; a changed script or dhtl deny stops activation", () => {
    const { run, dir } = dhtlClone(origin);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stdout).toContain("dhtl allow");
    // The activate script names <project>/.venv, so an activated shell survives later swaps (issue 10, item 9).
    const venv = join(dir, ".venv");
    for (const shell of SHELLS) expect(visit(shell, [dir]).stdout, shell).toBe("[]\n");

    const allow = runCli(["allow", dir], "/");
    expect(allow.code, describeRun(allow)).toBe(0);
    for (const shell of SHELLS) {
      const { stdout, stderr } = visit(shell, [dir, "/"]);
      expect(stdout, `${shell}\n${stderr}`).toBe(`[${venv}]\n[]\n`);
    }

    appendFileSync(join(dir, ".venv", "bin", "activate.dht"), `touch '${pwned}'\n`);
    appendFileSync(join(dir, ".venv", "bin", "activate.dht.fish"), `touch '${pwned}'\n`);
    for (const shell of SHELLS) expect(visit(shell, [dir]).stdout, shell).toBe("[]\n");

    const deny = runCli(["deny", dir], "/");
    expect(deny.code, describeRun(deny)).toBe(0);
    for (const shell of SHELLS) expect(visit(shell, [dir]).stdout, shell).toBe("[]\n");
    expect(existsSync(pwned)).toBe(false);
    expect(outside.changed()).toBe(false);
  });

  it("dhtl allow refuses a .venv dhtl did not build on this machine (exit 4)", () => {
    const clone = join(tempDir("dhtl-plain-"), "repo");
    git("/", "clone", "-q", "--", origin, clone);
    const allow = runCli(["allow", clone], "/");
    expect(allow.code, describeRun(allow)).toBe(4);
    expect(allow.stderr).toContain("was not built by dhtl on this machine");
    expect(visit("bash", [clone]).stdout).toBe("[]\n");
  });

  it("setup on this machine allows what it built: the hook activates it", () => {
    const root = tempDir("dhtl-own-");
    writeFileSync(join(root, "requirements.txt"), "six==1.16.0\n");
    const setup = runCli(["setup", "--yes"], root);
    expect(setup.code, describeRun(setup)).toBe(0);
    expect(visit("bash", [root]).stdout).toBe(`[${join(root, ".venv")}]\n`);
  });
});
