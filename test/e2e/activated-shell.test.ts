import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, realpathSync, renameSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliPath, describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs, repoRoot, tempDir } from "../support/temp-dirs.js";

/**
 * tenacity's real manifests and .gitignore (FINDINGS classes 9, 10 and 12), set up through the real CLI:
 * its `.gitignore` says `.venv/` (which a symbolic link escapes) and `uv.lock` (so the lock dhtl records
 * is never pushed), and a shell activated before a swap must keep the live environment.
 */
const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });

let root: string;
let setupStderr: string;

beforeAll(() => {
  root = join(tempDir("dhtl-e2e-shell-"), "tenacity");
  cpSync(join(repoRoot, "test", "fixtures", "projects", "tenacity-shell"), root, { recursive: true });
  renameSync(join(root, "gitignore"), join(root, ".gitignore"));
  git(root, "init", "-q", "-b", "main");
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "tenacity at c650fb4, reduced");
  const setup = runCli(["setup", "--yes"], root);
  expect(setup.code, describeRun(setup)).toBe(0);
  setupStderr = setup.stderr;
}, 240_000);

afterAll(removeTempDirs);

describe("git status after setup (class 10) and a gitignored lock (class 12)", () => {
  it("git status shows only what to commit: .dhtconfig and the .gitignore line that keeps the link out", () => {
    const status = git(root, "status", "--porcelain", "--untracked-files=all").trimEnd().split("\n").sort();
    expect(status).toEqual([" M .gitignore", "?? .dhtconfig"]);
    expect(readFileSync(join(root, ".gitignore"), "utf8")).toMatch(/\n\/\.venv\n$/);
    expect(setupStderr).toContain("note: added /.venv to .gitignore");
    // A second setup finds .venv ignored and leaves .gitignore alone.
    const again = runCli(["setup", "--yes"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stderr).not.toContain("to .gitignore");
    expect(readFileSync(join(root, ".gitignore"), "utf8").match(/\/\.venv/g)).toHaveLength(1);
  }, 120_000);

  it("warns at setup that the recorded uv.lock is gitignored, naming the rule", () => {
    expect(setupStderr).toContain("warning: git ignores uv.lock (.gitignore:7: uv.lock)");
    expect(setupStderr).toContain("git add -f uv.lock");
  });

  it("a clone of the pushed project explains the missing lock, and its retry hint works", () => {
    git(root, "add", ".dhtconfig", ".gitignore");
    git(root, "commit", "-q", "-m", "record the environment");
    const work = tempDir("dhtl-e2e-shell-clone-");
    const clone = runCli(["clone", root, "copy"], work);
    expect(clone.code, describeRun(clone)).toBe(2);
    expect(clone.stderr).toContain(
      "the recorded lock file uv.lock is missing: git ignores it (.gitignore:7: uv.lock), so it was never committed",
    );
    // regenerate in the clone says the same and points to setup.
    const regenerate = runCli(["regenerate"], join(work, "copy"));
    expect(regenerate.code, describeRun(regenerate)).toBe(2);
    expect(regenerate.stderr).toContain("git ignores it (.gitignore:7: uv.lock)");
    expect(regenerate.stderr).toContain("run `dhtl setup` to lock the project here");
    const retry = /retry with: cd (\S+) && dhtl (\w+)/.exec(clone.stderr);
    expect(retry?.[2]).toBe("setup");
    const again = runCli([retry![2]!], retry![1]!);
    expect(again.code, describeRun(again)).toBe(0);
    expect(existsSync(join(work, "copy", ".venv", "bin", "tenacity-where"))).toBe(true);
  }, 240_000);
});

/** What each shell runs: activate, regenerate from inside the shell, then ask `python` and a console script. */
function activatedSession(shell: "bash" | "zsh" | "fish"): string[] {
  const dhtl = `${JSON.stringify(process.execPath)} ${JSON.stringify(cliPath)}`;
  const activate = shell === "fish" ? "source .venv/bin/activate.fish" : ". .venv/bin/activate";
  return [
    activate,
    'echo "before=$VIRTUAL_ENV"',
    `${dhtl} regenerate --force --yes >/dev/null 2>&1${shell === "fish" ? "; or" : " ||"} exit 9`,
    'echo "after=$VIRTUAL_ENV"',
    "command -v python",
    "python -c 'import sys; print(sys.prefix)'",
    "tenacity-where",
  ];
}

const shells = (["bash", "zsh", "fish"] as const).filter(
  (shell) => spawnSync(shell, ["-c", "exit 0"]).status === 0,
);

describe("an activated shell keeps working across regenerate --force (class 9)", () => {
  it("bash is installed (zsh and fish are installed by .ci/run)", () => {
    expect(shells).toContain("bash");
  });

  for (const shell of shells) {
    it(`${shell}: python and console scripts still come from the live .venv after the swap`, () => {
      const live = () => realpathSync(join(root, ".venv"));
      const before = live();
      const args =
        shell === "fish"
          ? ["--no-config", "-c", activatedSession(shell).join("\n")]
          : shell === "zsh"
            ? ["-f", "-c", activatedSession(shell).join("\n")]
            : ["--noprofile", "--norc", "-c", activatedSession(shell).join("\n")];
      const result = spawnSync(shell, args, {
        cwd: root,
        encoding: "utf8",
        // dhtl's home and TMPDIR as the other runs of this file had them (the environments carry its mark).
        env: { ...process.env, VIRTUAL_ENV: undefined, NO_COLOR: "1", CI: "1" },
        timeout: 180_000,
      });
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      // The swap happened: .venv now points at the other build slot, and the old one is gone.
      expect(live()).not.toBe(before);
      expect(existsSync(before)).toBe(false);
      const venv = join(realpathSync(root), ".venv");
      const lines = result.stdout.trim().split("\n");
      // The shell names the environment by its stable link, so PATH reaches whatever is live.
      expect(lines.slice(0, 4)).toEqual([
        `before=${venv}`,
        `after=${venv}`,
        join(venv, "bin", "python"),
        venv,
      ]);
      // A console script finds its interpreter from its own resolved path: the live environment.
      expect(lines.slice(4)).toEqual([
        `prefix=${live()}`,
        `six=${join(live(), "lib", readdirSync(join(root, ".venv", "lib"))[0]!, "site-packages", "six.py")}`,
      ]);
    }, 240_000);
  }
});
