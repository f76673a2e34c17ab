import { type Diagnostic, diagnostic, sortDiagnostics } from "../../core/diagnostics.js";
import { emptyImportFacts, type ImportFacts, type ImportUse } from "../types.js";
import { ModuleLayout } from "./layout.js";
import { type FileScan, scanFile } from "./source-file.js";
import { isStdlibModule } from "./stdlib.js";
import { listSourceFiles } from "./walk.js";

export { decodePythonSource } from "./encoding.js";
export { notebookSource } from "./notebook.js";
export { type ImportStatement, scanImports } from "./scanner.js";
export { isStdlibModule } from "./stdlib.js";
export { listSourceFiles } from "./walk.js";

export interface CollectImportsOptions {
  /** `3.12` or `3.12.1`: which stdlib list applies. Without it, any 3.x stdlib name counts as stdlib. */
  pythonVersion?: string;
  /** Extra top-level names that belong to the project (its own distribution's packages). */
  localNames?: string[];
}

/** Files scanned between two yields to the event loop (~10 ms of work). */
const BATCH_SIZE = 64;

export interface CollectedImports {
  facts: ImportFacts;
  diagnostics: Diagnostic[];
  /** The files listed (root-relative, sorted), so callers need not walk the tree again. */
  files: { python: string[]; notebooks: string[] };
}

/** Modules every interpreter provides that sys.stdlib_module_names does not list. */
const ALWAYS_PRESENT = new Set(["__future__", "__main__"]);

/**
 * Every import of a project's `.py` files and notebooks, classified per top-level name as stdlib,
 * local (the project's own modules, `src/` layouts, sibling modules, relative imports) or third-party.
 * Read-only; a file that cannot be read or decoded becomes a diagnostic and the rest continue.
 */
export async function collectImports(
  root: string,
  options: CollectImportsOptions = {},
): Promise<CollectedImports> {
  const sources = await listSourceFiles(root);
  const files = [...sources.python, ...sources.notebooks];
  const scans = await scanInBatches(root, files);
  const diagnostics = [...sources.diagnostics];
  const layout = new ModuleLayout(sources.python);
  const localNames = new Set([...layout.projectModules(), ...(options.localNames ?? [])]);
  const uses = new Map<string, UseBuilder>();
  let filesScanned = 0;
  for (const scan of scans) {
    if ("problem" in scan) {
      diagnostics.push(diagnostic("warning", scan.file, `imports not scanned: ${scan.problem}`));
      continue;
    }
    filesScanned++;
    for (const statement of scan.statements) {
      // Relative imports name the project's own package, never a distribution.
      if (statement.level > 0 || statement.module === "") continue;
      const topLevel = statement.module.split(".")[0] as string;
      // A script importing a module that sits beside it (`import helpers`) imports project code.
      if (layout.isSibling(scan.file, topLevel)) localNames.add(topLevel);
      let use = uses.get(topLevel);
      if (!use) {
        use = { files: new Set(), modules: new Set(), fromNames: new Set(), optional: true, typeOnly: true };
        uses.set(topLevel, use);
      }
      use.files.add(scan.file);
      use.modules.add(statement.module);
      for (const name of statement.names) if (name !== "*") use.fromNames.add(`${statement.module}.${name}`);
      use.optional &&= statement.optional;
      use.typeOnly &&= statement.typeOnly;
    }
  }
  return {
    facts: buildFacts(uses, localNames, options.pythonVersion, filesScanned),
    diagnostics: sortDiagnostics(diagnostics),
    files: { python: sources.python, notebooks: sources.notebooks },
  };
}

interface UseBuilder {
  files: Set<string>;
  modules: Set<string>;
  /** `a.b.c` for `from a.b import c`: c may be a submodule, which the distribution mapping needs. */
  fromNames: Set<string>;
  optional: boolean;
  typeOnly: boolean;
}

function buildFacts(
  uses: Map<string, UseBuilder>,
  localNames: ReadonlySet<string>,
  pythonVersion: string | undefined,
  filesScanned: number,
): ImportFacts {
  const facts = emptyImportFacts(filesScanned);
  for (const name of [...uses.keys()].sort(byCodeUnit)) {
    const use = uses.get(name) as UseBuilder;
    const stdlib = ALWAYS_PRESENT.has(name) || isStdlibModule(name, pythonVersion);
    const kind = stdlib ? "stdlib" : localNames.has(name) ? "local" : "thirdParty";
    facts[kind].push(name);
    const modules = kind === "thirdParty" ? new Set([...use.modules, ...use.fromNames]) : use.modules;
    const entry: ImportUse = {
      name,
      files: [...use.files].sort(byCodeUnit),
      modules: [...modules].sort(byCodeUnit),
      optional: use.optional,
      typeOnly: use.typeOnly,
    };
    facts.uses.push(entry);
    if (kind === "thirdParty" && use.optional) facts.optional.push(name);
    if (kind === "thirdParty" && use.typeOnly) facts.typeOnly.push(name);
  }
  return facts;
}

/**
 * Scans files synchronously in batches, yielding to the event loop between batches so work started
 * alongside (machine probes waiting on child processes) keeps moving.
 */
async function scanInBatches(root: string, files: readonly string[]): Promise<FileScan[]> {
  const scans: FileScan[] = [];
  for (let start = 0; start < files.length; start += BATCH_SIZE) {
    if (start > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const file of files.slice(start, start + BATCH_SIZE)) scans.push(scanFile(root, file));
  }
  return scans;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
