/**
 * Proof that an environment under `.dhtl/envs/` was built by dhtl, for this user, for this project path.
 *
 * A checkout can commit `.dhtl/envs/env-a` (a wrapper `bin/python` and all) with a `.venv` link to it; to
 * dhtl that must look like any foreign directory, never like its own "already valid" environment. When dhtl
 * creates an environment directory it first writes `.dhtl-env` holding a MAC of the project's real path
 * under the user's secret (see core/state-dir.ts): a checkout cannot know it, and an environment copied
 * to another path, user or machine does not carry a valid one.
 */
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { checkedProjectPath, lstatOrNull, makeProjectDir, writeProjectFile } from "../core/safe-path.js";
import { realProjectRoot, userMac } from "../core/state-dir.js";

export const ENV_MARK_FILE = ".dhtl-env";
const ENVS_DIR = ".dhtl/envs";

function expectedMark(root: string, create: boolean): string | null {
  return userMac(["dhtl environment", realProjectRoot(root)], { create });
}

/** Creates the (empty) environment directory under `.dhtl/envs/` and marks it as dhtl's before anything else. */
export function createMarkedEnvironmentDir(root: string, envPath: string): void {
  const mark = expectedMark(root, true);
  if (mark === null) throw new Error("cannot create dhtl's per-user secret");
  makeProjectDir(root, envPath);
  writeProjectFile(root, join(envPath, ENV_MARK_FILE), `${mark}\n`);
}

/** True when `envPath` is a directory directly under `.dhtl/envs/`, reached without links, carrying dhtl's mark. */
export function isMarkedEnvironment(root: string, envPath: string): boolean {
  try {
    const real = checkedProjectPath(root, envPath);
    if (dirname(real) !== join(realProjectRoot(root), ENVS_DIR)) return false;
    if (!lstatOrNull(real)?.isDirectory()) return false;
    const markPath = join(real, ENV_MARK_FILE);
    if (!lstatOrNull(markPath)?.isFile()) return false;
    const expected = expectedMark(root, false);
    return expected !== null && readFileSync(markPath, "utf8").trim() === expected;
  } catch {
    return false;
  }
}
