import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, readlinkSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import {
  checkedProjectPath,
  copyProjectTree,
  lexists,
  lstatOrNull,
  makeProjectDir,
  removeProjectPath,
  renameInProject,
  symlinkInProject,
  writeProjectFile,
} from "../core/safe-path.js";
import { isMarkedEnvironment } from "./env-mark.js";
import { readProjectRecord, removeProjectRecord, writeProjectRecord } from "./project-state.js";

/**
 * Environments are built beside the live one and swapped in whole, so `kill -9` at any moment leaves a
 * working `.venv`:
 *
 *   .dhtl/envs/<id>/   real environments (uv `--relocatable`, so their files do not depend on their path),
 *                      each marked as dhtl's own (env-mark.ts) before uv writes anything into it
 *   .venv              a symlink to one of them, replaced by rename(2) of a new symlink: no moment without one
 *
 * A `.venv` dhtl did not build (the user's own directory, a link elsewhere, or one a checkout committed) is
 * moved to `.venv.before-dhtl` (or `-2`, `-3` …) just before the first swap and kept there; if a kill lands
 * between that move and the swap, the next run moves it back. Only environments carrying dhtl's mark are
 * ever trusted, reused or removed; every change goes through core/safe-path.ts.
 */
export const DHTL_DIR = ".dhtl";
export const ENVS_DIR = ".dhtl/envs";
export const VENV = ".venv";
/** Where a `.venv` dhtl did not build is kept (first free of this name, `-2`, `-3` …). */
export const VENV_ASIDE = ".venv.before-dhtl";
const TRASH_SUFFIX = ".trash";
const TEMP_LINK_PREFIX = `${VENV}.dhtl-`;

/**
 * Files of `.dhtl/` that are local to one checkout and never committed: the environments, and this file
 * itself (dhtl writes it wherever it is missing), so a project whose locks live elsewhere (uv.lock) shows
 * nothing of `.dhtl/` in `git status`, and one with `.dhtl/requirements.lock` shows just what to commit.
 */
const DHTL_GITIGNORE =
  "# Local to this checkout (dhtl writes this file where it is missing).\n/.gitignore\n/envs/\n";

export type CurrentEnvironment =
  | { kind: "none" }
  /** `.venv` links to an environment under `.dhtl/envs/` that carries dhtl's mark. */
  | { kind: "managed"; path: string }
  /** A real directory dhtl did not build, or a symlink to anything else (an unmarked environment included). */
  | { kind: "foreign"; path: string; isLink: boolean };

/**
 * Creates `.dhtl/envs/` and `.dhtl/.gitignore`, refusing a `.dhtl` or `.dhtl/envs` that is a symbolic link;
 * reports whether `.dhtl` is new (to undo on failure).
 */
export function ensureDhtlDir(root: string): { created: boolean } {
  const first = makeProjectDir(root, ENVS_DIR);
  try {
    if (!lexists(join(root, DHTL_DIR, ".gitignore")))
      writeProjectFile(root, `${DHTL_DIR}/.gitignore`, DHTL_GITIGNORE);
  } catch (error) {
    if (first !== null) removeProjectPath(root, first, { recursive: true });
    throw error;
  }
  return { created: first === DHTL_DIR };
}

export function currentEnvironment(root: string): CurrentEnvironment {
  const venv = join(root, VENV);
  const stat = lstatOrNull(venv);
  if (stat === null) return { kind: "none" };
  if (!stat.isSymbolicLink()) return { kind: "foreign", path: venv, isLink: false };
  const target = resolve(root, readlinkSync(venv));
  if (!existsSync(target)) return { kind: "none" };
  return isMarkedEnvironment(root, target)
    ? { kind: "managed", path: target }
    : { kind: "foreign", path: venv, isLink: true };
}

/**
 * Repairs what a killed run left: puts a `.venv` moved aside back when no `.venv` exists, and removes the
 * half-built environments and temporary links dhtl made (those carrying its mark; anything else under
 * `.dhtl/envs` is left alone and never used). Call it while holding the project lock.
 */
export function recoverInterruptedRun(root: string): string[] {
  const notes: string[] = [];
  const aside = readProjectRecord<{ to: string }>(root, "aside.json");
  if (aside && !lexists(join(root, VENV)) && lexists(join(root, aside.to))) {
    renameInProject(root, aside.to, VENV);
    notes.push(`put your .venv back from ${aside.to}, where an interrupted run had moved it`);
  }
  removeProjectRecord(root, "aside.json");
  for (const entry of readdirSync(root)) {
    if (!entry.startsWith(TEMP_LINK_PREFIX)) continue;
    const link = join(root, entry);
    if (lstatOrNull(link)?.isSymbolicLink() && isMarkedEnvironment(root, resolve(root, readlinkSync(link))))
      removeProjectPath(root, entry);
  }
  const envsDir = join(root, ENVS_DIR);
  if (!lstatOrNull(envsDir)?.isDirectory()) return notes;
  const current = currentEnvironment(root);
  for (const entry of readdirSync(envsDir)) {
    const path = join(envsDir, entry);
    if (current.kind === "managed" && path === current.path) continue;
    if (!isMarkedEnvironment(root, path)) continue;
    removeInBackground(root, path);
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
export function copyEnvironment(root: string, from: string, to: string): void {
  copyProjectTree(root, from, to);
}

/**
 * Makes `envPath` the live `.venv`. The new symlink is renamed over the old one, so readers always see a
 * complete environment; a dhtl environment it replaces is deleted afterwards, anything else is kept as
 * `.venv.before-dhtl`. Returns where a `.venv` dhtl did not build was moved, or null.
 */
export function swapInEnvironment(root: string, envPath: string): { movedAside: string | null } {
  const before = currentEnvironment(root);
  let movedAside: string | null = null;
  if (before.kind === "foreign") {
    // Never deleted: the user's own environment, or whatever a checkout put there, is kept beside.
    movedAside = freeAsideName(root);
    writeProjectRecord(root, "aside.json", { to: movedAside });
    renameInProject(root, VENV, movedAside);
  }
  const link = `${TEMP_LINK_PREFIX}${process.pid}-${randomBytes(3).toString("hex")}`;
  symlinkInProject(root, link, relative(root, envPath));
  renameInProject(root, link, VENV);
  removeProjectRecord(root, "aside.json");
  if (before.kind === "managed" && before.path !== envPath) removeInBackground(root, before.path);
  return { movedAside };
}

function freeAsideName(root: string): string {
  for (let n = 1; ; n++) {
    const name = n === 1 ? VENV_ASIDE : `${VENV_ASIDE}-${n}`;
    if (!lexists(join(root, name))) return name;
  }
}

/**
 * Deletes a replaced environment without making the user wait: it is renamed out of the way at once
 * (`<id>-<random>.trash`), then `rm -rf` runs detached (thousands of files take Node's rmSync a few hundred ms).
 * Should that be killed, the next run's recoverInterruptedRun removes what is left.
 */
export function removeInBackground(root: string, path: string): void {
  let trash = path;
  if (!path.endsWith(TRASH_SUFFIX)) {
    // Unique: the previous occupant of this slot may still be on its way out under its own trash name.
    trash = `${path}-${randomBytes(3).toString("hex")}${TRASH_SUFFIX}`;
    try {
      renameInProject(root, path, trash);
    } catch {
      return;
    }
  }
  // Checked once more: `rm -rf` must only ever receive a path inside the project, reached without links.
  const target = checkedProjectPath(root, trash);
  if (process.platform === "win32") {
    rmSync(target, { recursive: true, force: true });
    return;
  }
  const child = spawn("rm", ["-rf", "--", target], { detached: true, stdio: "ignore" });
  child.on("error", () => rmSync(target, { recursive: true, force: true }));
  child.unref();
}

/** Deletes a half-built environment after a failure; the live `.venv` is untouched. */
export function discardEnvironment(root: string, envPath: string): void {
  removeProjectPath(root, envPath, { recursive: true });
}
