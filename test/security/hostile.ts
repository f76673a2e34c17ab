/**
 * Hostile checkouts for the trust-boundary tests (issue 9): real git repositories whose commits hold what an
 * attacker can commit (symlinks, `.dhtl/` state, planted environments), a directory outside every project
 * whose content must never change, and the comparisons that prove it.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type CliRun, runCli } from "../support/run-cli.js";
import { tempDir } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

/** git with a fixed identity and no user/system configuration (no hooks, no fsmonitor, no signing). */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=Attacker", "-c", "user.email=a@example.com", ...args], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, GIT_CONFIG_GLOBAL: "/dev/null", GIT_CONFIG_NOSYSTEM: "1" },
  });
}

/** What a checkout holds: file contents, and symlinks (`{ link: target }`) committed as links. */
export type Tree = Record<string, string | Buffer | { link: string }>;

/** Writes a tree into `dir` (parents created, links made as written). */
export function writeTree(dir: string, tree: Tree): void {
  for (const [path, content] of Object.entries(tree)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    if (typeof content === "object" && !Buffer.isBuffer(content)) symlinkSync(content.link, target);
    else writeFileSync(target, content);
  }
}

/** A real repository holding `tree` in one commit (every file, `.dhtl/` and symlinks included: `add -f`). */
export function hostileRepo(tree: Tree): string {
  const repo = tempDir("dhtl-hostile-origin-");
  writeTree(repo, tree);
  git(repo, "init", "-q", "-b", "main");
  git(repo, "add", "-A", "-f");
  git(repo, "commit", "-q", "-m", "looks harmless");
  return repo;
}

/** A directory outside every project, with files someone cares about; `changed()` says whether any moved. */
export interface Watched {
  dir: string;
  changed(): boolean;
}

export function watchedOutside(name = "victim"): Watched {
  const dir = join(tempDir("dhtl-outside-"), name);
  writeTree(dir, {
    "data.txt": "precious\n",
    ".bashrc": "# the user's own\n",
    "nested/notes.md": "keep me\n",
  });
  const before = treeHash(dir);
  return { dir, changed: () => treeHash(dir) !== before };
}

/** `dhtl clone ORIGIN DIR` in a fresh work directory; also a plain `git clone` beside it, for comparison. */
export function dhtlClone(
  origin: string,
  args: string[] = [],
  options: { work?: string; name?: string; env?: Record<string, string | undefined> } = {},
): { run: CliRun; dir: string; plain: string } {
  const work = options.work ?? tempDir("dhtl-hostile-clone-");
  const name = options.name ?? "project";
  const plain = join(tempDir("dhtl-plain-clone-"), name);
  git(dirname(plain), "clone", "-q", "--", origin, plain);
  const run = runCli(["clone", origin, name, ...args], work, options.env);
  return { run, dir: join(work, name), plain };
}

/**
 * Every committed path of the plain clone (content, or link target) and git's own configuration and hooks,
 * as one digest: equal for the dhtl clone means dhtl changed nothing the repository holds and nothing in .git.
 */
export function committedState(dir: string, committed: string[]): string {
  const hash = createHash("sha256");
  for (const path of [...committed].sort()) {
    const full = join(dir, path);
    let entry: string;
    try {
      const stat = lstatSync(full);
      entry = stat.isSymbolicLink()
        ? `L ${readlinkSync(full)}`
        : `F ${createHash("sha256").update(readFileSync(full)).digest("hex")}`;
    } catch {
      entry = "missing";
    }
    hash.update(`${path} ${entry}\n`);
  }
  hash.update(`config ${readFileSync(join(dir, ".git", "config"), "utf8")}\n`);
  hash.update(`hooks ${treeHash(join(dir, ".git", "hooks"))}\n`);
  return hash.digest("hex");
}

/** The paths git tracks in a checkout. */
export function trackedPaths(dir: string): string[] {
  return git(dir, "ls-files", "-z").split("\0").filter(Boolean);
}

/** The whole tree except `.git/` (whose index and logs differ between two clones of one commit). */
export function worktreeHash(dir: string): string {
  return treeHash(dir, { ignore: [".git", "__pycache__"] });
}

/** A requirements project small enough to set up in seconds. */
export const SMALL_PROJECT: Tree = {
  "requirements.txt": "six==1.16.0\n",
  ".python-version": "3.11\n",
};
