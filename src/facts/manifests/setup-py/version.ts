/**
 * Finds a version string assigned as a literal in a Python module, without running it — what setuptools'
 * `attr:` directive does first (it reads the module's AST), and what the classic setup.py
 * "regex over pkg/__init__.py" trick does.
 */
import { posix } from "node:path";
import { diagnostic } from "../../../core/diagnostics.js";
import type { ManifestFacts, ReadContext } from "../types.js";

export interface FoundVersion {
  value: string;
  file: string;
  line: number;
}

/** `attr: pkg.sub.__version__` → looks in pkg/sub.py, pkg/sub/__init__.py, with `src/` and package_dir roots. */
export function findAttrValue(
  attr: string,
  fromFile: string,
  ctx: ReadContext,
  packageRoots: string[] = ["", "src"],
): FoundVersion | null {
  const parts = attr.trim().split(".");
  const name = parts.pop();
  if (!name || parts.length === 0) return null;
  const modulePath = parts.join("/");
  const base = posix.dirname(fromFile);
  const candidates: string[] = [];
  for (const root of packageRoots) {
    const dir = posix.normalize(posix.join(base, root, modulePath));
    candidates.push(`${dir}.py`, `${dir}/__init__.py`);
  }
  return findAssignment(candidates, name, ctx);
}

/** The classic layout guesses: `__version__` in pkg/__init__.py, pkg/version.py, pkg/_version.py, src/pkg/… */
export function findPackageVersion(
  packages: string[],
  fromFile: string,
  ctx: ReadContext,
  firstLookIn: string[] = [],
): FoundVersion | null {
  const base = posix.dirname(fromFile);
  const candidates: string[] = [...firstLookIn];
  for (const pkg of packages) {
    const dir = pkg.replace(/\./g, "/");
    for (const root of ["", "src"]) {
      for (const leaf of ["__init__.py", "version.py", "_version.py", "__version__.py", "__about__.py"]) {
        candidates.push(posix.normalize(posix.join(base, root, dir, leaf)));
      }
      candidates.push(posix.normalize(posix.join(base, root, `${dir}.py`)));
    }
  }
  return findAssignment(candidates, "__version__", ctx) ?? findAssignment(candidates, "VERSION", ctx);
}

function findAssignment(candidates: string[], name: string, ctx: ReadContext): FoundVersion | null {
  const pattern = new RegExp(
    `^${name}\\s*(?::\\s*[\\w.\\[\\]]+\\s*)?=\\s*(?:[rRuU]?)(["'])([^"'\\n]+)\\1\\s*(?:#.*)?$`,
    "m",
  );
  for (const path of [...new Set(candidates)]) {
    if (path.startsWith("../") || !ctx.exists(path)) continue;
    let text: string;
    try {
      text = ctx.readFile(path, { file: path, line: null }).text;
    } catch {
      continue;
    }
    const m = pattern.exec(text);
    if (m?.[2]) {
      const line = text.slice(0, m.index).split("\n").length;
      return { value: m[2], file: path, line };
    }
  }
  return null;
}

/**
 * setuptools' `attr:` version (setup.cfg, or `[tool.setuptools.dynamic]`): the literal it names becomes the
 * manifest's version, or the field is flagged for review with `reviewMessage` — never guessed.
 */
export function setVersionFromAttr(
  manifest: ManifestFacts,
  attr: string,
  from: { file: string; line: number | null },
  ctx: ReadContext,
  packageRoots: string[],
  reviewMessage: string,
): void {
  const found = findAttrValue(attr, from.file, ctx, packageRoots);
  if (found) {
    manifest.version = { value: found.value, file: found.file };
    manifest.includedFiles.push(found.file);
  } else {
    manifest.diagnostics.push(diagnostic("review", from.file, reviewMessage, from.line));
  }
}
