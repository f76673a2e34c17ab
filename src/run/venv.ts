import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { writeFileAtomic } from "../core/fs.js";

/**
 * Environments are built beside the live one and swapped in whole, so `kill -9` at any moment leaves a
 * working `.venv`:
 *
 *   .dhtl/envs/<id>/   real environments (uv `--relocatable`, so their files do not depend on their path)
 *   .venv              a symlink to one of them, replaced by rename(2) of a new symlink: no moment without one
 *
 * A user's pre-existing real `.venv` directory is moved to `.dhtl/envs/<id>.aside` just before the first
 * swap; if a kill lands between that move and the swap, the next run moves it back. Every other entry of
 * `.dhtl/envs` that `.venv` does not point to is a leftover of a killed run and is removed.
 */
export const DHTL_DIR = ".dhtl";
export const ENVS_DIR = ".dhtl/envs";
export const VENV = ".venv";
const ASIDE_SUFFIX = ".aside";
const TRASH_SUFFIX = ".trash";

/** Files of `.dhtl/` that are local to one checkout and never committed. */
const DHTL_GITIGNORE =
  "# Local to this checkout: built environments, the run lock and a running setup's journal.\nenvs/\nlock\njournal.json\n";

export type CurrentEnvironment =
  | { kind: "none" }
  /** `.venv` links into `.dhtl/envs/`. */
  | { kind: "managed"; path: string }
  /** A real directory dhtl did not build (or a symlink elsewhere). */
  | { kind: "foreign"; path: string; isLink: boolean };

/** Creates `.dhtl/` and its `.gitignore`; reports whether the directory is new (to undo on failure). */
export function ensureDhtlDir(root: string): { created: boolean } {
  const dir = join(root, DHTL_DIR);
  const created = !existsSync(dir);
  mkdirSync(join(root, ENVS_DIR), { recursive: true });
  const gitignore = join(dir, ".gitignore");
  if (!existsSync(gitignore)) writeFileAtomic(gitignore, DHTL_GITIGNORE);
  return { created };
}

export function currentEnvironment(root: string): CurrentEnvironment {
  const venv = join(root, VENV);
  let isLink: boolean;
  try {
    isLink = lstatSync(venv).isSymbolicLink();
  } catch {
    return { kind: "none" };
  }
  if (!isLink) return { kind: "foreign", path: venv, isLink: false };
  const target = resolve(root, readlinkSync(venv));
  if (!existsSync(target)) return { kind: "none" };
  const envs = join(root, ENVS_DIR) + sep;
  return target.startsWith(envs)
    ? { kind: "managed", path: target }
    : { kind: "foreign", path: venv, isLink: true };
}

/**
 * Repairs what a killed run left: puts a moved-aside `.venv` back when no `.venv` exists, and removes
 * half-built environments and temporary links. Call it while holding the project lock.
 */
export function recoverInterruptedRun(root: string): string[] {
  const notes: string[] = [];
  const envsDir = join(root, ENVS_DIR);
  if (!existsSync(envsDir)) return notes;
  const venv = join(root, VENV);
  const aside = readdirSync(envsDir).filter((entry) => entry.endsWith(ASIDE_SUFFIX));
  if (!lexists(venv) && aside.length > 0) {
    renameSync(join(envsDir, aside[0]!), venv);
    notes.push("restored the previous .venv moved aside by an interrupted run");
  }
  for (const entry of readdirSync(root)) {
    if (entry.startsWith(`${VENV}.dhtl-`)) rmSync(join(root, entry), { force: true });
  }
  const current = currentEnvironment(root);
  for (const entry of readdirSync(envsDir)) {
    const path = join(envsDir, entry);
    if (current.kind === "managed" && path === current.path) continue;
    removeInBackground(path);
    if (!entry.endsWith(TRASH_SUFFIX)) notes.push(`removed ${ENVS_DIR}/${entry} left by an interrupted run`);
  }
  return notes;
}

/**
 * Two fixed build slots, used in turn. uv remembers what it learnt about an interpreter by its path: a
 * new environment at a path it has seen answers from that cache, while one at a new path costs uv a
 * Python start-up (~35 ms of every `regenerate`). The replaced environment leaves its slot at once
 * (renamed to `*.trash` before deletion), so the slot that is not live is normally free.
 */
const BUILD_SLOTS = ["env-a", "env-b"];

/** A fresh, empty slot for a new environment under `.dhtl/envs/` (absolute path, not yet created). */
export function newEnvironmentPath(root: string): string {
  const current = currentEnvironment(root);
  const live = current.kind === "managed" ? current.path : null;
  for (const slot of BUILD_SLOTS) {
    const path = join(root, ENVS_DIR, slot);
    if (path !== live && !lexists(path)) return path;
  }
  // Both taken (a leftover that could not be moved away): a unique name always works.
  const id = `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
  return join(root, ENVS_DIR, id);
}

/** Copies an environment (relocatable, so the copy works where it lands) for an in-place repair. */
export function copyEnvironment(from: string, to: string): void {
  cpSync(from, to, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
}

/**
 * Makes `envPath` the live `.venv`. The new symlink is renamed over the old one, so readers always see a
 * complete environment; the environment it replaces is deleted afterwards.
 */
export function swapInEnvironment(root: string, envPath: string): void {
  const venv = join(root, VENV);
  const before = currentEnvironment(root);
  if (before.kind === "foreign" && !before.isLink) {
    // rename(2) cannot replace a directory with a symlink: move the user's directory aside first.
    renameSync(venv, `${envPath}-previous${ASIDE_SUFFIX}`);
  }
  const link = join(root, `${VENV}.dhtl-${process.pid}-${randomBytes(3).toString("hex")}`);
  symlinkSync(relative(root, envPath), link);
  renameSync(link, venv);
  if (before.kind === "managed" && before.path !== envPath) removeInBackground(before.path);
  const envsDir = join(root, ENVS_DIR);
  for (const entry of readdirSync(envsDir)) {
    if (entry.endsWith(ASIDE_SUFFIX)) removeInBackground(join(envsDir, entry));
  }
}

/**
 * Deletes a replaced environment without making the user wait: it is renamed out of the way at once
 * (`<id>-<random>.trash`), then `rm -rf` runs detached (thousands of files take Node's rmSync a few hundred ms).
 * Should that be killed, the next run's recoverInterruptedRun removes what is left.
 */
export function removeInBackground(path: string): void {
  let trash = path;
  if (!path.endsWith(TRASH_SUFFIX)) {
    // Unique: the previous occupant of this slot may still be on its way out under its own trash name.
    trash = `${path}-${randomBytes(3).toString("hex")}${TRASH_SUFFIX}`;
    try {
      renameSync(path, trash);
    } catch {
      return;
    }
  }
  if (process.platform === "win32") {
    rmSync(trash, { recursive: true, force: true });
    return;
  }
  const child = spawn("rm", ["-rf", "--", trash], { detached: true, stdio: "ignore" });
  child.on("error", () => rmSync(trash, { recursive: true, force: true }));
  child.unref();
}

/** Deletes a half-built environment after a failure; the live `.venv` is untouched. */
export function discardEnvironment(envPath: string): void {
  rmSync(envPath, { recursive: true, force: true });
}

function lexists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
