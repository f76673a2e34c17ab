/**
 * The one way dhtl changes anything inside a project. Every write, rename, copy and removal names a path
 * relative to the project root (or an absolute one inside it) and is checked first:
 *
 * - the path must stay inside the project's real root (no `..`, no absolute path elsewhere);
 * - no component may be `.git`: dhtl never writes git's configuration or hooks;
 * - no existing component may be a symbolic link: a checkout can commit `.dhtl -> /home/you`, and a write
 *   through it would land outside. The last component may be a link only where the operation replaces or
 *   removes the link itself (`.venv` is swapped by renaming a new link over the old one).
 *
 * A failed check is a refusal (exit 4) naming the path; nothing has been changed at that point.
 */
import {
  copyFileSync,
  cpSync,
  lstatSync,
  mkdirSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  symlinkSync,
} from "node:fs";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";
import { DhtlError } from "./errors.js";
import { writeFileAtomic } from "./fs.js";

/** What the last component may be when it already exists as a symbolic link. */
type FinalLink = "refuse" | "replace";

/** `rel` (or an absolute path) as a clean project-relative path; throws when it leaves the project. */
export function projectRelative(root: string, path: string): string {
  let rel = path;
  if (isAbsolute(path)) {
    rel = insideOf(root, path) ?? insideOf(realProject(root), path) ?? "";
    if (rel === "" && normalize(path) !== normalize(root)) throw outside(path);
  }
  const clean = normalize(rel).split(sep).join("/").replace(/\/+$/, "");
  if (clean === "" || clean === ".") throw outside(path);
  if (isAbsolute(clean) || clean === ".." || clean.startsWith("../")) throw outside(path);
  const parts = clean.split("/");
  if (parts.some((part) => part.toLowerCase() === ".git")) {
    throw new DhtlError("refused", `dhtl never writes inside .git/ (asked to change ${clean})`, {
      file: clean,
      hint: "a journal or plan naming .git/ was not written by dhtl; delete it",
    });
  }
  return clean;
}

/**
 * The absolute path of `path` under the project's real root, after checking every existing component with
 * lstat. `finalLink: "replace"` lets the last component be a link that the operation replaces or removes.
 */
export function checkedProjectPath(root: string, path: string, finalLink: FinalLink = "refuse"): string {
  const rel = projectRelative(root, path);
  const base = realProject(root);
  const parts = rel.split("/");
  let current = base;
  for (let i = 0; i < parts.length; i++) {
    current = join(current, parts[i]!);
    const stat = lstatOrNull(current);
    if (stat === null) break; // the rest does not exist yet: creating it cannot go through a link
    const last = i === parts.length - 1;
    if (stat.isSymbolicLink() && !(last && finalLink === "replace")) {
      const shown = parts.slice(0, i + 1).join("/");
      throw new DhtlError(
        "refused",
        `${shown} is a symbolic link: dhtl never writes through a link inside a project`,
        {
          file: shown,
          hint: `remove ${shown} (a checkout must not redirect dhtl's files) and retry`,
        },
      );
    }
  }
  return join(base, ...parts);
}

/** Writes a project file atomically (never through a link; an existing link is refused). */
export function writeProjectFile(root: string, path: string, data: string | Uint8Array, mode?: number): void {
  const target = checkedProjectPath(root, path);
  makeProjectDir(root, dirname(projectRelative(root, path)));
  writeFileAtomic(target, data, mode);
}

/**
 * Creates a directory and its missing parents one component at a time, each checked. Returns the
 * project-relative path of the first directory it created (to undo), or null when all existed.
 */
export function makeProjectDir(root: string, path: string): string | null {
  const rel = path === "." || path === "" ? null : projectRelative(root, path);
  if (rel === null) return null;
  checkedProjectPath(root, rel);
  const base = realProject(root);
  const parts = rel.split("/");
  let firstCreated: string | null = null;
  for (let i = 0; i < parts.length; i++) {
    const current = join(base, ...parts.slice(0, i + 1));
    const stat = lstatOrNull(current);
    if (stat?.isDirectory()) continue;
    if (stat !== null) {
      throw new DhtlError("refused", `${parts.slice(0, i + 1).join("/")} exists and is not a directory`, {
        file: parts.slice(0, i + 1).join("/"),
      });
    }
    try {
      mkdirSync(current);
    } catch (error) {
      // A full disk or a refusal half-way: what this call created goes again.
      if (firstCreated !== null) rmSync(join(base, firstCreated), { recursive: true, force: true });
      throw error;
    }
    firstCreated ??= parts.slice(0, i + 1).join("/");
  }
  return firstCreated;
}

/** Removes a file, link or (with `recursive`) directory inside the project; a link is removed, never followed. */
export function removeProjectPath(root: string, path: string, options: { recursive?: boolean } = {}): void {
  const target = checkedProjectPath(root, path, "replace");
  rmSync(target, { force: true, recursive: options.recursive ?? false });
}

/** rename(2) inside the project; `to` may be an existing link (it is replaced, not followed). */
export function renameInProject(root: string, from: string, to: string): void {
  const source = checkedProjectPath(root, from, "replace");
  const target = checkedProjectPath(root, to, "replace");
  renameSync(source, target);
}

/** A relative symbolic link at `path` whose target must itself resolve inside the project. */
export function symlinkInProject(root: string, path: string, target: string): void {
  const link = checkedProjectPath(root, path);
  const rel = projectRelative(root, path);
  if (isAbsolute(target)) throw outside(target);
  projectRelative(root, join(dirname(rel), target));
  symlinkSync(target, link);
}

/** Copies one file inside the project (neither end may be a link). */
export function copyProjectFile(root: string, from: string, to: string): void {
  const source = checkedProjectPath(root, from);
  const target = checkedProjectPath(root, to);
  makeProjectDir(root, dirname(projectRelative(root, to)));
  copyFileSync(source, target);
}

/** Copies a directory tree inside the project; links inside it are copied as links, never followed. */
export function copyProjectTree(root: string, from: string, to: string): void {
  const source = checkedProjectPath(root, from);
  const target = checkedProjectPath(root, to);
  cpSync(source, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
}

/** True when `path` exists (as anything, a dangling link included). */
export function lexists(path: string): boolean {
  return lstatOrNull(path) !== null;
}

export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function realProject(root: string): string {
  try {
    return realpathSync(root);
  } catch {
    return normalize(root);
  }
}

/** `path` relative to `dir` when it lies strictly inside it, else null. */
function insideOf(dir: string, path: string): string | null {
  const rel = relative(dir, path);
  if (rel === "" || rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return rel;
}

function outside(path: string): DhtlError {
  return new DhtlError("refused", `${path} is outside the project: dhtl only changes files inside it`, {
    hint: "a journal or plan naming it was not written by dhtl; delete it",
  });
}

/**
 * The real path of `path` when it lies inside the project (links resolved), else null: where dhtl may keep
 * caches of an environment `.venv` points to, never a directory elsewhere that a checkout's link names.
 */
export function resolvedInsideProject(root: string, path: string): string | null {
  try {
    const real = realpathSync(path);
    checkedProjectPath(root, real);
    return real;
  } catch {
    return null;
  }
}
