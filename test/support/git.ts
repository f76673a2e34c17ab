import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp-dirs.js";

/** git with a fixed identity (no global config needed); `env` adds to the environment. */
export function git(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): SpawnSyncReturns<string> & { output: string } {
  const result = spawnSync(
    "git",
    ["-c", "user.name=dhtl test", "-c", "user.email=test@example.org", ...args],
    {
      cwd,
      encoding: "utf8",
      env: { ...process.env, ...env },
      timeout: 300_000,
    },
  );
  return Object.assign(result, { output: `${result.stdout}${result.stderr}` });
}

/** Runs git and fails the test with its output when it does not exit 0. */
export function gitOk(cwd: string, args: string[], env: Record<string, string> = {}): string {
  const result = git(cwd, args, env);
  if (result.status !== 0)
    throw new Error(`git ${args.join(" ")} exited ${result.status}:\n${result.output}`);
  return result.stdout;
}

/** `git init` with every file committed. */
export function initRepo(dir: string, env: Record<string, string> = {}): void {
  gitOk(dir, ["init", "-q", "-b", "main"]);
  gitOk(dir, ["add", "-A"]);
  gitOk(dir, ["commit", "-q", "-m", "initial", "--no-verify"], env);
}

/**
 * Local stand-ins for the hook repositories `dhtl standardize` pins (GitHub is out of reach here): each is
 * a git repository tagged with the pinned revision, holding the hook definitions of the real repository
 * (`.pre-commit-hooks.yaml`, the same ids, entries and file types) and a package that depends on the
 * real code from PyPI (`pre-commit-hooks==6.0.0`, `ruff==0.17.6`). pre-commit installs and runs them
 * exactly as it would the originals. `env` redirects the GitHub URLs to them through git's own
 * `url.<base>.insteadOf` (GIT_CONFIG_COUNT/KEY/VALUE, which pre-commit passes on to the git it runs) and
 * keeps pre-commit's cache in a temporary directory.
 */
export function hookRepoStandIns(): { env: Record<string, string> } {
  const base = tempDir("dhtl-hook-repos-");
  const repos: { url: string; dir: string }[] = [];
  const make = (url: string, rev: string, files: Record<string, string>) => {
    const dir = join(base, url.split("/").pop()!);
    mkdirSync(dir);
    for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
    initRepo(dir);
    gitOk(dir, ["tag", rev]);
    repos.push({ url, dir });
  };
  make("https://github.com/pre-commit/pre-commit-hooks", "v6.0.0", {
    ".pre-commit-hooks.yaml": `- id: trailing-whitespace
  name: trim trailing whitespace
  entry: trailing-whitespace-fixer
  language: python
  types: [text]
- id: end-of-file-fixer
  name: fix end of files
  entry: end-of-file-fixer
  language: python
  types: [text]
- id: check-yaml
  name: check yaml
  entry: check-yaml
  language: python
  types: [yaml]
- id: check-toml
  name: check toml
  entry: check-toml
  language: python
  types: [toml]
`,
    ...standInPackage("hooks_stand_in", "6.0.0", "pre-commit-hooks==6.0.0"),
  });
  make("https://github.com/astral-sh/ruff-pre-commit", "v0.17.6", {
    ".pre-commit-hooks.yaml": `- id: ruff-check
  name: ruff check
  entry: ruff check --force-exclude
  language: python
  types_or: [python, pyi, jupyter]
  require_serial: true
- id: ruff-format
  name: ruff format
  entry: ruff format --force-exclude
  language: python
  types_or: [python, pyi, jupyter]
  require_serial: true
`,
    ...standInPackage("ruff_stand_in", "0.17.6", "ruff==0.17.6"),
  });
  const env: Record<string, string> = {
    GIT_CONFIG_COUNT: String(repos.length),
    PRE_COMMIT_HOME: join(base, "pre-commit-cache"),
    PIP_DISABLE_PIP_VERSION_CHECK: "1",
  };
  repos.forEach(({ url, dir }, index) => {
    env[`GIT_CONFIG_KEY_${index}`] = `url.file://${dir}.insteadOf`;
    env[`GIT_CONFIG_VALUE_${index}`] = url;
  });
  return { env };
}

/** A package pre-commit's `pip install .` builds with flit_core (small, quick) that depends on the real code. */
function standInPackage(module: string, version: string, dependency: string): Record<string, string> {
  return {
    "pyproject.toml": `[build-system]
requires = ["flit_core>=3.4,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "${module}"
version = "${version}"
description = "Stand-in hook repository for dhtl's tests"
dependencies = ["${dependency}"]
`,
    [`${module}.py`]: '"""Stand-in hook repository for dhtl\'s tests."""\n',
  };
}
