import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readUvLock } from "../formats/uv-lock.js";

/** Sources uv reads from the disk: another project's pyproject.toml when not the project itself (`.`). */
const LOCAL_SOURCES = new Set(["editable", "directory", "path", "virtual"]);

/** The files `uv lock` reads for a single project: its pyproject.toml and, when present, uv.toml beside it. */
const UV_LOCK_INPUTS = ["pyproject.toml", "uv.toml"];

/**
 * The digest of what uv.lock was resolved from, for a project whose lock depends on its own files only.
 * setup always runs `uv lock`, so the lock it records is fresh against these files; while they and the
 * lock are byte-identical, regenerate may install with `--frozen` and skip uv's re-check (`--locked`).
 *
 * Null (always re-check) for workspaces and local path dependencies: uv also reads their pyproject files.
 */
export function uvLockInputDigest(root: string): string | null {
  const lock = readOrNull(join(root, "uv.lock"))?.toString("utf8");
  const pyproject = readOrNull(join(root, "pyproject.toml"));
  if (lock === undefined || pyproject === null) return null;
  const { workspaceMembers, packages } = readUvLock(lock);
  if (workspaceMembers !== null) return null;
  if (packages.some((pkg) => LOCAL_SOURCES.has(pkg.source?.kind ?? "") && pkg.source?.value !== "."))
    return null;
  if (/^\s*\[tool\.uv\.workspace\]/m.test(pyproject.toString("utf8"))) return null;
  const hash = createHash("sha256");
  for (const file of UV_LOCK_INPUTS) {
    const content = file === "pyproject.toml" ? pyproject : readOrNull(join(root, file));
    // Length-prefixed, so moving bytes from one file to the other changes the digest.
    hash.update(`${file}\0${content === null ? "absent" : content.length}\0`);
    if (content) hash.update(content);
  }
  return `sha256:${hash.digest("hex")}`;
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
