/**
 * Project modules that only ever load optionally: every import of them sits in `try: … except
 * ImportError`, under `if TYPE_CHECKING:`, or in another such module. What they import is optional too:
 * structlog's `_greenlets.py` imports greenlet outright, but only `try: from ._greenlets import …` loads it.
 */
import { posix } from "node:path";
import type { ModuleLayout } from "./layout.js";
import type { ImportStatement } from "./scanner.js";

interface ScannedImports {
  file: string;
  statements: ImportStatement[];
  script: boolean;
  python2: unknown;
}

/** The files of `scans` that load only optionally; a file nothing in the project imports is an entry point, never optional. */
export function optionallyLoadedFiles(scans: readonly ScannedImports[], layout: ModuleLayout): Set<string> {
  // target file → the importing files, each with whether that import is optional
  const importers = new Map<string, { from: string; optional: boolean }[]>();
  for (const scan of scans) {
    for (const statement of scan.statements) {
      const optional = statement.optional || statement.typeOnly;
      for (const target of targetsOf(scan, statement, layout)) {
        if (target === scan.file) continue;
        const list = importers.get(target) ?? [];
        list.push({ from: scan.file, optional });
        importers.set(target, list);
      }
    }
  }
  const optional = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [target, edges] of importers) {
      if (optional.has(target)) continue;
      if (edges.every((edge) => edge.optional || optional.has(edge.from))) {
        optional.add(target);
        changed = true;
      }
    }
  }
  return optional;
}

/** The project files an import statement loads: the module and, for `from m import x`, submodule x. */
function targetsOf(scan: ScannedImports, statement: ImportStatement, layout: ModuleLayout): string[] {
  const modules = statement.module === "" ? statement.names.filter((n) => n !== "*") : [statement.module];
  const submodules = statement.module === "" ? [] : statement.names.filter((n) => n !== "*");
  if (statement.level > 0) {
    let base = posix.dirname(scan.file) === "." ? "" : posix.dirname(scan.file);
    for (let up = 1; up < statement.level; up++)
      base = posix.dirname(base) === "." ? "" : posix.dirname(base);
    const paths = [
      ...modules.map((m) => join(base, m)),
      ...submodules.map((n) => join(base, `${statement.module}.${n}`)),
    ];
    return paths.flatMap((path) => layout.fileAt(path));
  }
  const ownDirectory = scan.python2 !== null || scan.script;
  return [
    ...modules.flatMap((m) => layout.locate(scan.file, m, ownDirectory)),
    ...submodules.flatMap((n) => layout.locate(scan.file, `${statement.module}.${n}`, ownDirectory)),
  ];
}

function join(base: string, dotted: string): string {
  const path = dotted.replace(/\./g, "/");
  return base === "" ? path : `${base}/${path}`;
}
