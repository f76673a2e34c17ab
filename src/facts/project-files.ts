import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, join, normalize, relative, sep } from "node:path";
import { DhtlError } from "../core/errors.js";
import { readTextFileSync } from "../core/fs.js";
import type { ReadContext, SourceFile } from "./manifests/types.js";

/** Folders whose files can be manifests besides the root itself (`requirements/dev.txt`). */
const MANIFEST_SUBDIRS = ["requirements", "reqs", "requirements.d"];
/**
 * Folders where only some files describe the project: what the test suite installs
 * (`tests/requirements.txt`) and what CI runs (`.github/workflows/*.yml`). Only those names are listed, so a
 * test fixture's `tests/pyproject.toml` is never read as the project's own.
 */
const PARTIAL_SUBDIRS: [string, RegExp][] = [
  ["tests", /^requirements[^/]*\.(txt|in)$/i],
  ["test", /^requirements[^/]*\.(txt|in)$/i],
  [".github/workflows", /\.ya?ml$/i],
];

/** Root-relative posix paths of every file a manifest reader may claim, sorted. */
export function listManifestCandidates(root: string): string[] {
  const found: string[] = [];
  for (const entry of safeReaddir(root)) {
    if (entry.isFile() || entry.isSymbolicLink()) found.push(entry.name);
  }
  for (const sub of MANIFEST_SUBDIRS) {
    const dir = join(root, sub);
    if (!isDirectory(dir)) continue;
    for (const entry of safeReaddir(dir)) if (entry.isFile()) found.push(`${sub}/${entry.name}`);
  }
  for (const [sub, pattern] of PARTIAL_SUBDIRS) {
    const dir = join(root, sub);
    if (!isDirectory(dir)) continue;
    for (const entry of safeReaddir(dir))
      if (entry.isFile() && pattern.test(entry.name)) found.push(`${sub}/${entry.name}`);
  }
  return found.sort();
}

/** A ReadContext confined to the project root: nothing outside it is ever read, symlinks included. */
export function projectReadContext(root: string): ReadContext {
  const realRoot = realpathSync(root);
  return {
    readFile(relPath, from): SourceFile {
      const path = toRootRelative(realRoot, relPath, from);
      return { path, text: readTextFileSync(join(realRoot, path), path) };
    },
    exists(relPath) {
      try {
        return existsSync(join(realRoot, toRootRelative(realRoot, relPath, { file: ".", line: null })));
      } catch {
        return false;
      }
    },
  };
}

/** Normalises a path inside the root, or throws naming the file and line that asked for it. */
function toRootRelative(
  realRoot: string,
  relPath: string,
  from: { file: string; line: number | null },
): string {
  const where = { file: from.file, line: from.line ?? undefined };
  if (isAbsolute(relPath)) {
    throw new DhtlError("badInput", `refers to ${relPath}, outside the project`, where);
  }
  const candidate = normalize(join(realRoot, relPath));
  let real = candidate;
  if (existsSync(candidate)) {
    try {
      real = realpathSync(candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DhtlError("badInput", `cannot resolve ${relPath} (${code})`, where);
    }
  }
  const rel = relative(realRoot, real);
  if (rel.startsWith("..") || isAbsolute(rel)) {
    throw new DhtlError("badInput", `refers to ${relPath}, which leaves the project root`, where);
  }
  if (!existsSync(real)) {
    throw new DhtlError("badInput", `refers to ${relPath}, which does not exist`, where);
  }
  return rel.split(sep).join("/");
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
