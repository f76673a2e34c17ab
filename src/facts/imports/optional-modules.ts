/**
 * Project modules that only ever load optionally: every import of them sits in `try: … except
 * ImportError`, under `if TYPE_CHECKING:`, or in another such module. What they import is optional too:
 * structlog's `_greenlets.py` imports greenlet outright, but only `try: from ._greenlets import …` loads it.
 * Likewise a module something outside the project loads by name (uvicorn's `workers.py`, which gunicorn
 * loads), when the caller says which files those are.
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

/**
 * The files of `scans` that load only optionally. A file nothing in the project imports is an entry point,
 * never optional, unless `loadedByName` says something outside the project loads it by name.
 */
export function optionallyLoadedFiles(
  scans: readonly ScannedImports[],
  layout: ModuleLayout,
  /** Only these files matter (those importing something from outside the project and the stdlib). */
  relevant: (file: string) => boolean = () => true,
  /** A file nothing in the project imports is loaded from outside, with what that loader brings. */
  loadedByName: (file: string) => boolean = () => false,
): Set<string> {
  // Only files some import reaches optionally can be optional: resolve those first, then look for their
  // other importers among the statements that name them (most statements never do, which keeps this cheap).
  const relevantStems = new Set(
    scans.filter((scan) => relevant(scan.file)).map((scan) => moduleStem(scan.file)),
  );
  if (relevantStems.size === 0) return new Set();
  // Every candidate is a relevant file, so the statements that could import one are found once, by stem.
  const byStem = new Map<string, Mention[]>();
  const mentionsOf = new Map<ImportStatement, Mention>();
  const note = (scan: ScannedImports, statement: ImportStatement, stem: string) => {
    let mention = mentionsOf.get(statement);
    if (!mention) {
      mention = { scan, statement, targets: null };
      mentionsOf.set(statement, mention);
    }
    const list = byStem.get(stem);
    if (list) {
      if (list[list.length - 1] !== mention) list.push(mention);
    } else byStem.set(stem, [mention]);
  };
  for (const scan of scans) {
    for (const statement of scan.statements) {
      // The names a statement could load a file by: its module's last part, then its imported names.
      const last = statement.module.slice(statement.module.lastIndexOf(".") + 1);
      if (relevantStems.has(last)) note(scan, statement, last);
      for (const name of statement.names) if (relevantStems.has(name)) note(scan, statement, name);
    }
  }
  const targets = (mention: Mention): string[] => {
    mention.targets ??= targetsOf(mention.scan, mention.statement, layout).filter(
      (target) => target !== mention.scan.file && relevant(target),
    );
    return mention.targets;
  };
  const candidates = new Set<string>();
  const addTargets = (statement: ImportStatement) => {
    const mention = mentionsOf.get(statement);
    if (mention) for (const target of targets(mention)) candidates.add(target);
  };
  for (const scan of scans) {
    for (const statement of scan.statements)
      if (statement.optional || statement.typeOnly) addTargets(statement);
    if (relevant(scan.file) && loadedByName(scan.file)) candidates.add(scan.file);
  }
  const optional = new Set<string>();
  for (let round = 0; round < 4 && candidates.size > 0; round++) {
    const importers = importersOf(candidates, byStem, targets);
    for (let changed = true; changed; ) {
      changed = false;
      for (const target of candidates) {
        if (optional.has(target)) continue;
        const edges = importers.get(target) ?? [];
        const loaded = edges.length > 0 || loadedByName(target);
        if (loaded && edges.every((edge) => edge.optional || optional.has(edge.from))) {
          optional.add(target);
          changed = true;
        }
      }
    }
    // What an optional module imports may be optional too.
    const before = candidates.size;
    for (const scan of scans)
      if (optional.has(scan.file)) for (const statement of scan.statements) addTargets(statement);
    if (candidates.size === before) break;
  }
  return optional;
}

/** A statement that names a relevant file's stem, with the project files it loads once resolved. */
interface Mention {
  scan: ScannedImports;
  statement: ImportStatement;
  targets: string[] | null;
}

/** For each candidate file, the project files importing it and whether each import is optional. */
function importersOf(
  candidates: ReadonlySet<string>,
  byStem: ReadonlyMap<string, Mention[]>,
  targets: (mention: Mention) => string[],
): Map<string, { from: string; optional: boolean }[]> {
  const mentions = new Set<Mention>();
  for (const candidate of candidates)
    for (const mention of byStem.get(moduleStem(candidate)) ?? []) mentions.add(mention);
  const importers = new Map<string, { from: string; optional: boolean }[]>();
  for (const mention of mentions) {
    const { scan, statement } = mention;
    const optional = statement.optional || statement.typeOnly;
    for (const target of targets(mention)) {
      if (!candidates.has(target)) continue;
      const list = importers.get(target) ?? [];
      list.push({ from: scan.file, optional });
      importers.set(target, list);
    }
  }
  return importers;
}

/** `pkg/mod.py` → mod, `pkg/sub/__init__.py` → sub: the name an import uses for the file. */
function moduleStem(file: string): string {
  const parts = file.split("/");
  const base = (parts[parts.length - 1] as string).replace(/\.py$/, "");
  return base === "__init__" ? ((parts[parts.length - 2] as string | undefined) ?? "") : base;
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
