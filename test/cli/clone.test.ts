import { execFileSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/run-cli.js";

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.name=Test", "-c", "user.email=test@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });

/** A real git repository holding a tiny requirements project. */
function makeRepo(files: Record<string, string>): string {
  const repo = mkdtempSync(join(tmpdir(), "dhtl-origin-"));
  for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A");
  git(repo, "commit", "-q", "-m", "initial");
  return repo;
}

const project = { "requirements.txt": "six==1.16.0\n", ".python-version": "3.11\n" };

function importsSix(dir: string): boolean {
  const out = execFileSync(
    join(dir, ".venv", "bin", "python"),
    ["-c", "import six; print(six.__version__)"],
    {
      encoding: "utf8",
    },
  );
  return out.trim() === "1.16.0";
}

describe("dhtl clone", () => {
  it("clones a local repository and sets it up when it has no .dhtconfig", () => {
    const origin = makeRepo(project);
    const work = mkdtempSync(join(tmpdir(), "dhtl-clone-"));
    const result = runCli(["clone", origin, "copy"], work);
    expect(result.code, result.stderr).toBe(0);
    expect(importsSix(join(work, "copy"))).toBe(true);
    expect(existsSync(join(work, "copy", ".dhtconfig"))).toBe(true);
    expect(result.stdout).toContain("next: cd copy");
  });

  it("regenerates from a recorded .dhtconfig to the same checksum", () => {
    const origin = makeRepo(project);
    const work = mkdtempSync(join(tmpdir(), "dhtl-clone-"));
    expect(runCli(["clone", origin, "first"], work).code).toBe(0);
    // Record the environment in the origin, as a user committing .dhtconfig and the lock would.
    const first = join(work, "first");
    git(first, "add", ".dhtconfig", ".dhtl/requirements.lock", ".dhtl/requirements.in");
    git(first, "commit", "-q", "-m", "record environment");
    const second = runCli(["clone", first, "second", "--json"], work);
    expect(second.code, second.stderr).toBe(0);
    const outcome = JSON.parse(second.stdout) as { command: string; checksum: string };
    expect(outcome.command).toBe("regenerate");
    expect(readFileSync(join(work, "second", ".dhtconfig"), "utf8")).toBe(
      readFileSync(join(first, ".dhtconfig"), "utf8"),
    );
    expect(importsSix(join(work, "second"))).toBe(true);
  });

  it("keeps the clone and says how to retry when the environment step fails", () => {
    const origin = makeRepo({
      "pyproject.toml": '[project]\nname = "broken"\ndependencies = [\n  oops\n]\n',
    });
    const work = mkdtempSync(join(tmpdir(), "dhtl-clone-"));
    const result = runCli(["clone", origin, "kept"], work);
    expect(result.code).toBe(2);
    expect(existsSync(join(work, "kept", "pyproject.toml"))).toBe(true);
    expect(result.stderr).toContain("retry with");
    expect(result.stderr).toMatch(/pyproject\.toml:\d+/);
  });

  it("refuses references that git would read as options", () => {
    const work = mkdtempSync(join(tmpdir(), "dhtl-clone-"));
    const result = runCli(["clone", "--", "-uecho pwned", "x"], work);
    expect(result.code).toBe(2);
    expect(existsSync(join(work, "x"))).toBe(false);
  });
});

/**
 * A stand-in `gh` for the calls dhtl makes, since these machines cannot reach GitHub: repositories live as
 * bare repos under $FAKE_GH_ROOT/OWNER/REPO.git and the signed-in user is `tester`.
 */
function fakeGh(): { bin: string; root: string } {
  const bin = mkdtempSync(join(tmpdir(), "dhtl-fakegh-bin-"));
  const root = mkdtempSync(join(tmpdir(), "dhtl-fakegh-"));
  const script = `#!/usr/bin/env bash
set -euo pipefail
case "$1 \${2:-}" in
  "--version ") echo "gh version 2.99.0 (stand-in)";;
  "api user") echo tester;;
  "repo fork")
    [ "$4" = "--clone=false" ] || { echo "unexpected: $*" >&2; exit 2; }
    name="\${3#*/}"; mkdir -p "$FAKE_GH_ROOT/tester"
    git clone -q --bare "$FAKE_GH_ROOT/$3.git" "$FAKE_GH_ROOT/tester/$name.git"
    echo "✓ Created fork tester/$name" >&2;;
  "repo clone")
    git clone -q "$FAKE_GH_ROOT/$3.git" "$4";;
  *) echo "stand-in gh: unsupported call: $*" >&2; exit 1;;
esac
`;
  writeFileSync(join(bin, "gh"), script);
  chmodSync(join(bin, "gh"), 0o755);
  return { bin, root };
}

describe("dhtl fork", () => {
  it("forks, clones the fork, adds upstream and sets up the environment", () => {
    const gh = fakeGh();
    const origin = makeRepo(project);
    mkdirSync(join(gh.root, "upstream-org"));
    git(gh.root, "clone", "-q", "--bare", origin, join(gh.root, "upstream-org", "demo.git"));
    const work = mkdtempSync(join(tmpdir(), "dhtl-fork-"));
    const env = { PATH: `${gh.bin}:${process.env.PATH}`, FAKE_GH_ROOT: gh.root };
    const result = runCli(["fork", "https://github.com/upstream-org/demo"], work, env);
    expect(result.code, result.stderr).toBe(0);
    const remotes = git(join(work, "demo"), "remote", "-v");
    expect(remotes).toMatch(/^origin\s+\S*tester\/demo\.git \(fetch\)$/m);
    expect(remotes).toMatch(/^upstream\s+https:\/\/github\.com\/upstream-org\/demo\.git \(fetch\)$/m);
    expect(existsSync(join(gh.root, "tester", "demo.git"))).toBe(true);
    expect(importsSix(join(work, "demo"))).toBe(true);
  });

  it("fails clearly when gh is missing", () => {
    const work = mkdtempSync(join(tmpdir(), "dhtl-fork-"));
    const emptyBin = mkdtempSync(join(tmpdir(), "dhtl-nobin-"));
    const result = runCli(["fork", "https://github.com/upstream-org/demo"], work, { PATH: emptyBin });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain("GitHub CLI (gh) is not installed");
  });
});
