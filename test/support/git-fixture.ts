import { spawnSync } from "node:child_process";
import { copyFixtureDir } from "./temp-dirs.js";

/**
 * A private copy of `test/fixtures/<path>` made a git repository, as a clone is: `.git` marks the project
 * root even where the project has no manifest at its top, and bounds every search upwards.
 */
export function gitFixtureDir(path: string): string {
  const root = copyFixtureDir(path);
  const git = spawnSync("git", ["init", "--quiet", root], { encoding: "utf8" });
  if (git.status !== 0) throw new Error(`git init failed: ${git.stderr}`);
  return root;
}
