/**
 * Reads what a migration needs from the project, read-only: every manifest (through the shared readers),
 * the current pyproject.toml, the old TOML lock files and the folder layout.
 */
import { existsSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { readTextFileSync } from "../../core/fs.js";
import { TOML_LOCK_FILES } from "../../formats/poetry-lock.js";
import { readManifests } from "../manifests/registry.js";
import { listManifestCandidates, projectReadContext } from "../project-files.js";
import { collectPythonHints } from "../python-hints/index.js";
import { findProjectRoot } from "../root.js";
import { collectOldLock } from "./old-lock.js";
import type { MigrationInput, SourceKind } from "./types.js";

/** What an in-tree build backend writes besides pyproject.toml (plan/migrate/editable-backend.ts). */
const BUILD_FILES = ["MANIFEST.in", "_build_backend/setuptools_pep660.py"];

export interface CollectedMigration {
  root: string;
  input: MigrationInput;
}

export function collectMigrationInput(path: string, from?: SourceKind): CollectedMigration {
  const root = findProjectRoot(path);
  const files = listManifestCandidates(root);
  const context = projectReadContext(root);
  const manifests = readManifests(files, context);
  const read = (file: string) => readTextFileSync(join(root, file), file);
  const lockTexts = TOML_LOCK_FILES.filter((f) => files.includes(f)).map((file) => ({
    file,
    text: read(file),
  }));
  return {
    root,
    input: {
      files,
      manifests,
      pyprojectText: files.includes("pyproject.toml") ? read("pyproject.toml") : null,
      oldLock: collectOldLock(lockTexts, manifests),
      directoryName: basename(root),
      directories: directoriesOf(root),
      setupPyLocalImports: files.includes("setup.py") ? localImports(read("setup.py"), root) : [],
      pythonHints: collectPythonHints(root, context).hints,
      buildFiles: Object.fromEntries(
        BUILD_FILES.map((file) => [file, existsSync(join(root, file)) ? read(file) : null]),
      ),
      from,
    },
  };
}

/** Top-level folders and those under src/, where build backends look for the package. */
function directoriesOf(root: string): string[] {
  const out: string[] = [];
  const list = (dir: string) =>
    existsSync(dir)
      ? readdirSync(dir, { withFileTypes: true })
          .filter((e) => e.isDirectory() && !e.name.startsWith("."))
          .map((e) => e.name)
      : [];
  for (const name of list(root)) out.push(name);
  for (const name of list(join(root, "src"))) out.push(`src/${name}`);
  return out.sort();
}

/**
 * Top-level names setup.py imports (`import six`, `from docopt import __version__`) that are modules of the
 * project itself at its root: setuptools' PEP 517 backend can import them only through `__legacy__`, which
 * puts the root on sys.path as `python setup.py` did. Read as text, never run.
 */
function localImports(setupPy: string, root: string): string[] {
  const names = new Set<string>();
  for (const match of setupPy.matchAll(
    /^[ \t]*(?:from[ \t]+([A-Za-z_]\w*)[\w.]*[ \t]+import|import[ \t]+([^#\n]+))/gm,
  )) {
    const found = match[1]
      ? [match[1]]
      : (match[2] ?? "").split(",").map((part) => part.trim().split(/[.\s]/)[0] ?? "");
    for (const name of found) if (/^[A-Za-z_]\w*$/.test(name)) names.add(name);
  }
  return [...names]
    .filter((name) => existsSync(join(root, `${name}.py`)) || existsSync(join(root, name, "__init__.py")))
    .sort();
}
