/**
 * Activation on `cd` is opt-in per project, like direnv's `allow`. The allow list lives in dhtl's data
 * directory, mirroring each project's real path:
 *
 *   <data>/allow/<real path of the project>/.dhtl-allowed/
 *       activate.dht  activate.dht.fish  activate  activate.fish   copies of the scripts the hook sources
 *       record.json                                                { root, scripts: { name: sha256 } }
 *
 * The cd hook (cd-hook.ts) finds the record from the directory's physical path with shell built-ins and
 * sources the project's `.venv/bin/activate.dht` only when it, and the venv's `activate` it sources, are
 * byte-identical to the allowed copies (`cmp`). A checkout that commits its own activation scripts is never
 * sourced; an allowed script that changed must be allowed again.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../../core/fs.js";
import { dhtlDataDir } from "../../core/paths.js";
import { realProjectRoot } from "../../core/state-dir.js";
import { BASH_HOOK_FILE, FISH_HOOK_FILE } from "./activation.js";

/** The name of the record directory, beside the mirrored path's own entries. */
export const ALLOWED_DIR = ".dhtl-allowed";

/** The scripts a cd hook sources, directly or through the activation script, in `.venv/bin`. */
const SOURCED = [BASH_HOOK_FILE, FISH_HOOK_FILE, "activate", "activate.fish"];

/** `<data>/allow`: the shell computes the same path (see cd-hook.ts). */
export function allowRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(dhtlDataDir(env), "allow");
}

function recordDir(realRoot: string, env: NodeJS.ProcessEnv): string {
  return join(allowRoot(env), realRoot, ALLOWED_DIR);
}

export interface AllowRecord {
  root: string;
  /** Script name → sha256 of the allowed content. */
  scripts: Record<string, string>;
}

/**
 * Records the project's activation as allowed: copies of the scripts the hook will source, and their
 * hashes. The caller decides that the environment deserves it (dhtl built it on this machine).
 */
export function allowActivation(root: string, env: NodeJS.ProcessEnv = process.env): AllowRecord {
  const real = realProjectRoot(root);
  const bin = join(real, ".venv", "bin");
  const dir = recordDir(real, env);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const scripts: Record<string, string> = {};
  for (const name of SOURCED) {
    const path = join(bin, name);
    if (!existsSync(path)) continue;
    const content = readFileSync(path);
    writeFileAtomic(join(dir, name), content, 0o600);
    scripts[name] = createHash("sha256").update(content).digest("hex");
  }
  const record: AllowRecord = { root: real, scripts };
  writeFileAtomic(join(dir, "record.json"), `${JSON.stringify(record, null, 2)}\n`, 0o600);
  return record;
}

/** Removes the project's record (and the mirrored directories it leaves empty); false when there was none. */
export function denyActivation(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const real = realProjectRoot(root);
  const dir = recordDir(real, env);
  if (!existsSync(dir)) return false;
  rmSync(dir, { recursive: true, force: true });
  const top = allowRoot(env);
  for (let parent = dirname(dir); parent.startsWith(`${top}/`); parent = dirname(parent)) {
    if (readdirSync(parent).length > 0) break;
    rmdirSync(parent);
  }
  return true;
}

/** True when the project is allowed and every script it sources is unchanged (what the hook checks with cmp). */
export function isActivationAllowed(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const real = realProjectRoot(root);
  const dir = recordDir(real, env);
  const bin = join(real, ".venv", "bin");
  try {
    const record = JSON.parse(readFileSync(join(dir, "record.json"), "utf8")) as AllowRecord;
    if (!record.scripts[BASH_HOOK_FILE]) return false;
    return Object.entries(record.scripts).every(
      ([name, digest]) =>
        createHash("sha256")
          .update(readFileSync(join(bin, name)))
          .digest("hex") === digest,
    );
  } catch {
    return false;
  }
}
