import { posix } from "node:path";
import { type Diagnostic, diagnostic, sortDiagnostics } from "../../core/diagnostics.js";
import { emptyImportFacts, type ImportFacts, type ImportUse } from "../types.js";
import { type FileRole, fileRole } from "./file-roles.js";
import { configuredRoots, sysPathRoots } from "./import-roots.js";
import { ModuleLayout } from "./layout.js";
import { optionallyLoadedFiles } from "./optional-modules.js";
import { type StartedScan, startScan } from "./parallel-scan.js";
import {
  ALL_VERSIONS,
  maskOfMinor,
  maskOfSpecifier,
  maskToMarker,
  PYTHON2,
  PYTHON3,
  type VersionMask,
} from "./python-versions.js";
import type { ImportStatement } from "./scanner.js";
import type { ScannedFile } from "./source-file.js";
import { stdlibMask } from "./stdlib.js";
import { listSourceFiles, type SourceFiles } from "./walk.js";

export { decodePythonSource } from "./encoding.js";
export { notebookCode, notebookSource } from "./notebook.js";
export { type ImportStatement, scanImports, scanSource } from "./scanner.js";
export { isStdlibModule } from "./stdlib.js";
export { listSourceFiles } from "./walk.js";

export interface CollectImportsOptions {
  /** The chosen interpreter's minor (`3.12`): stdlib membership is judged by it. */
  pythonVersion?: string;
  /** The project's `requires-python`: version guards are judged against it. Without it, any 3.x. */
  requiresPython?: string;
  /** Extra top-level names that belong to the project (its own distribution's packages). */
  localNames?: string[];
  /**
   * Whether a PyPI distribution provides this stdlib module name as a separate package (`cgi` from
   * legacy-cgi after 3.13): such a name is third-party when the chosen Python lacks it.
   */
  hasDistribution?: (module: string) => boolean;
  /** The tree's files, listed and being scanned since `startImportScan` (else both happen here). */
  started?: StartedImportScan;
  /** `[build-system] backend-path` folders: an in-tree build backend is build code, like setup.py. */
  buildDirs?: string[];
  /**
   * A library's package modules that nothing in the project imports are loaded by name from outside
   * (gunicorn's `-k uvicorn.workers.UvicornWorker`, anyio's backend by a computed name): what only they
   * import comes with their loader, like an import guarded by `except ImportError`. Not for applications,
   * whose framework loads modules by name (settings, middleware) without bringing what they import.
   */
  libraryModulesLoadedByName?: boolean;
  /**
   * Modules the project names as entry points (console scripts' `uvicorn.main`, plugin entry points): they
   * are the project's own way in, never loaded by name from outside.
   */
  entryModules?: string[];
}

/** A tree's source files, listed, and their scan under way. */
export interface StartedImportScan {
  sources: SourceFiles;
  scan: StartedScan;
}

/**
 * Lists the tree's source files and starts scanning them (on worker threads when the tree is large), so the
 * scan runs while the caller reads the project's manifests; `collectImports` then finishes it.
 */
export async function startImportScan(root: string): Promise<StartedImportScan> {
  const sources = await listSourceFiles(root);
  return { sources, scan: startScan(root, [...sources.python, ...sources.notebooks, ...sources.scripts]) };
}

export interface CollectedImports {
  facts: ImportFacts;
  diagnostics: Diagnostic[];
  /** The files listed (root-relative, sorted), so callers need not walk the tree again. */
  files: { python: string[]; notebooks: string[]; projectDirs: string[] };
}

/**
 * Modules every interpreter provides that sys.stdlib_module_names does not list, and `_typeshed`, which
 * type checkers provide to `if TYPE_CHECKING:` imports.
 */
const ALWAYS_PRESENT = new Set(["__future__", "__main__", "_typeshed"]);

/** What the Jupyter kernel running a notebook always provides: its IPython. */
const KERNEL_PROVIDED = new Set(["IPython"]);

type Kind = "stdlib" | "local" | "thirdParty";

/**
 * Every import of a project's `.py` files and notebooks, classified per name as stdlib, local (resolved
 * from an import root, see layout.ts; relative imports) or third-party. Python 2 files are judged
 * against 2.7's stdlib, version-guarded imports against the versions the project supports.
 * Read-only; a file that cannot be read or decoded becomes a diagnostic and the rest continue.
 */
export async function collectImports(
  root: string,
  options: CollectImportsOptions = {},
): Promise<CollectedImports> {
  const hasDistribution = options.hasDistribution;
  if (hasDistribution) {
    // Asked per statement; a table lookup each time shows on a large tree.
    const known = new Map<string, boolean>();
    options = {
      ...options,
      hasDistribution: (module) => {
        let answer = known.get(module);
        if (answer === undefined) {
          answer = hasDistribution(module);
          known.set(module, answer);
        }
        return answer;
      },
    };
  }
  const { sources, scan } = options.started ?? (await startImportScan(root));
  const scans = await scan.results();
  const diagnostics = [...sources.diagnostics];
  const scanned = scans.filter((scan): scan is ScannedFile => !("problem" in scan));
  for (const scan of scans) {
    if ("problem" in scan)
      diagnostics.push(diagnostic("warning", scan.file, `imports not scanned: ${scan.problem}`));
    else
      for (const problem of scan.problems)
        diagnostics.push(diagnostic("warning", scan.file, problem.message, problem.line));
  }
  const layout = projectLayout(root, sources, scanned);
  // Optional loading changes what matters only for files importing something outside the project and stdlib.
  const external = new Set(
    scanned
      .filter((scan) =>
        scan.statements.some((s) => {
          if (s.level > 0 || s.module === "") return false;
          const dot = s.module.indexOf(".");
          const top = dot < 0 ? s.module : s.module.slice(0, dot);
          return (
            stdlibMask(top) === 0 &&
            !ALWAYS_PRESENT.has(top) &&
            !layout.resolve(scan.file, s.module, s.names).local
          );
        }),
      )
      .map((scan) => scan.file),
  );
  const optionalFiles = optionallyLoadedFiles(
    scanned,
    layout,
    (file) => external.has(file),
    options.libraryModulesLoadedByName ? loadedByNameRule(scanned, options.entryModules ?? []) : undefined,
  );
  const versions = projectVersions(
    options,
    scanned.some((scan) => scan.python2 !== null),
  );
  const localNames = new Set(options.localNames ?? []);
  const buildDirs = options.buildDirs ?? [];
  const uses: Record<Kind, Map<string, UseBuilder>> = {
    stdlib: new Map(),
    local: new Map(),
    thirdParty: new Map(),
  };
  const python2Files: NonNullable<ImportFacts["python2Files"]> = [];
  const scriptDependencies: string[] = [];
  const dynamicNames = new Set<string>();

  for (const scan of scanned) {
    const python2 = scan.python2 !== null;
    if (scan.python2) python2Files.push({ file: scan.file, ...scan.python2 });
    // A Python 2 file in a project that no longer supports Python 2 never runs.
    const fileVersions = python2 ? (PYTHON2 & versions.supported) >>> 0 : versions.supported;
    const notebook = scan.file.endsWith(".ipynb");
    const loadedOptionally = optionalFiles.has(scan.file);
    // A PEP 723 script declares its own dependencies: it is a tool beside the project, not its runtime.
    // Inside a nested project (backend/), a file's role is judged from that project's top.
    // Another repository's copy (jsonschema's `json/`, the JSON-Schema-Test-Suite with its own scripts)
    // serves the project's tests or tooling, never its runtime.
    const role =
      scan.scriptDependencies || isInside(scan.file, sources.foreignRepositoryDirs)
        ? "dev"
        : isInside(scan.file, buildDirs)
          ? "build"
          : fileRole(withinProject(scan.file, sources.projectDirs));
    if (scan.scriptDependencies) scriptDependencies.push(...scan.scriptDependencies);
    for (const name of scan.dynamicNames ?? []) {
      if (
        !isStdlib(name, fileVersions, python2, versions.chosen, options) &&
        !layout.resolve(scan.file, name).local
      )
        dynamicNames.add(name);
    }
    for (const found of scan.statements) {
      // Relative imports name the project's own package, never a distribution.
      if (found.level > 0 || found.module === "") continue;
      const statement = loadedOptionally && !found.optional ? { ...found, optional: true } : found;
      const runs = ((statement.versions ?? ALL_VERSIONS) & fileVersions) >>> 0;
      const dot = statement.module.indexOf(".");
      const topLevel = dot < 0 ? statement.module : statement.module.slice(0, dot);
      const kernel = notebook && KERNEL_PROVIDED.has(topLevel);
      if (kernel || isStdlib(topLevel, runs, python2, versions.chosen, options)) {
        useOf(uses.stdlib, "stdlib", topLevel).record(scan.file, statement.module, statement, role, runs);
        continue;
      }
      const resolution = layout.resolve(scan.file, statement.module, statement.names, python2 || scan.script);
      if (resolution.local || localNames.has(topLevel)) {
        useOf(uses.local, "local", topLevel).record(scan.file, statement.module, statement, role, runs);
        continue;
      }
      const imported = [
        statement.module,
        ...statement.names.filter((n) => n !== "*").map((n) => `${statement.module}.${n}`),
      ];
      for (const unit of resolution.units) {
        const modules = imported.filter((m) => m === unit || m.startsWith(`${unit}.`));
        const use = useOf(uses.thirdParty, "thirdParty", unit);
        use.record(scan.file, modules.length > 0 ? modules : unit, statement, role, runs);
        const elsewhere = unit.includes(".") ? null : layout.findAnywhere(unit);
        if (elsewhere) use.alsoInProject ??= elsewhere;
      }
    }
  }
  const facts = buildFacts(
    [...uses.stdlib.values(), ...uses.local.values(), ...uses.thirdParty.values()],
    versions.supported,
    scanned.length,
  );
  facts.python2Files = python2Files;
  if (dynamicNames.size > 0) facts.dynamicNames = [...dynamicNames].sort(byCodeUnit);
  if (scriptDependencies.length > 0)
    facts.scriptDependencies = [...new Set(scriptDependencies)].sort(byCodeUnit);
  facts.unscanned = scans.filter((scan) => "problem" in scan).map((scan) => scan.file);
  return {
    facts,
    diagnostics: sortDiagnostics(diagnostics),
    files: { python: sources.python, notebooks: sources.notebooks, projectDirs: sources.projectDirs },
  };
}

/** `backend/tests/x.py` → `tests/x.py` when `backend` holds a project of its own. */
export function withinProject(file: string, projectDirs: readonly string[]): string {
  const dir = nestedProjectOf(file, projectDirs);
  return dir === null ? file : file.slice(dir.length + 1);
}

/** Whether `file` (root-relative) lies below one of `dirs`. */
function isInside(file: string, dirs: readonly string[]): boolean {
  return dirs.some((dir) => file.startsWith(`${dir}/`));
}

/** The deepest nested project directory holding `file`, or null when only the root does. */
export function nestedProjectOf(file: string, projectDirs: readonly string[]): string | null {
  let best: string | null = null;
  for (const dir of projectDirs) {
    if (file.startsWith(`${dir}/`) && (best === null || dir.length > best.length)) best = dir;
  }
  return best;
}

/**
 * The versions the project supports and the chosen interpreter's: requires-python, else any 3.x — and
 * 2.7 too when nothing states a version and some files are written for Python 2.
 */
function projectVersions(
  options: CollectImportsOptions,
  hasPython2Files: boolean,
): { supported: VersionMask; chosen: VersionMask | null } {
  const chosen = options.pythonVersion ? maskOfMinor(options.pythonVersion) : null;
  let supported = options.requiresPython ? maskOfSpecifier(options.requiresPython) : PYTHON3;
  if (supported === 0) supported = PYTHON3;
  if (!options.requiresPython && chosen === null && hasPython2Files) supported = ALL_VERSIONS;
  if (chosen !== null) supported = (supported | chosen) >>> 0;
  return { supported, chosen };
}

/**
 * A stdlib name under the versions where the import runs: judged by the chosen interpreter when it is
 * among them. A name the stdlib has only in other versions stays stdlib unless a distribution provides it
 * separately (`cgi` → legacy-cgi on 3.13); Python 2's own names (`urllib2`, `StringIO`) are never PyPI
 * dependencies.
 */
function isStdlib(
  topLevel: string,
  runs: VersionMask,
  python2: boolean,
  chosen: VersionMask | null,
  options: CollectImportsOptions,
): boolean {
  if (ALWAYS_PRESENT.has(topLevel)) return true;
  const stdlib = stdlibMask(topLevel);
  if (stdlib === 0) return false;
  // Python 2's own names (urllib2, StringIO); sgmllib has a Python 3 port on PyPI.
  if ((stdlib & PYTHON3) === 0) return python2 || !(options.hasDistribution?.(topLevel) ?? false);
  if (runs === 0) return true;
  const judged = chosen !== null && !python2 && (runs & chosen) !== 0 ? chosen : runs;
  if ((stdlib & judged) !== 0) return true;
  // In the stdlib of other versions only (added later, or removed): third-party when PyPI has it apart.
  return !(options.hasDistribution?.(topLevel) ?? false);
}

/** The project's modules, and the import roots its layout, configuration and `sys.path` code name. */
function projectLayout(root: string, sources: SourceFiles, scanned: ScannedFile[]): ModuleLayout {
  const globalRoots = configuredRoots(root, "");
  for (const dir of sources.projectDirs) globalRoots.push(...configuredRoots(root, dir));
  const writtenModules: string[] = [];
  const namespaceInits: string[] = [];
  const importedModules = new Set<string>();
  for (const scan of scanned) {
    if (scan.sysPath.length > 0) globalRoots.push(...sysPathRoots(scan.file, scan.sysPath));
    if (scan.namespaceInit) namespaceInits.push(posix.dirname(scan.file));
    for (const statement of scan.statements) if (statement.level === 0) importedModules.add(statement.module);
    const dir = posix.dirname(scan.file) === "." ? "" : posix.dirname(scan.file);
    // A notebook's %%writefile x.py / x.pyx (compiled in place by Cython) and f2py builds are its modules.
    for (const written of scan.writes) {
      const path = posix.normalize(posix.join(dir || ".", written)).replace(/\.pyx$/, ".py");
      if (path.endsWith(".py") && !path.startsWith("../") && !path.startsWith("/")) writtenModules.push(path);
    }
    for (const name of scan.builtModules)
      writtenModules.push(dir === "" ? `${name}.py` : `${dir}/${name}.py`);
  }
  // A notebook's kernel starts in its directory; a script's directory is its sys.path[0].
  const notebookDirs = [...sources.notebooks, ...sources.scripts].map((file) =>
    posix.dirname(file) === "." ? "" : posix.dirname(file),
  );
  return new ModuleLayout(sources.python, {
    globalRoots,
    scopedRoots: notebookDirs,
    namespaceInits,
    writtenModules,
    importedModules,
  });
}

interface UseBuilder {
  kind: Kind;
  name: string;
  files: Set<string>;
  modules: Set<string>;
  roles: Set<FileRole>;
  /**
   * Over reachable statements only, null until one is seen; runtime code decides when it imports the name
   * (a test importing sniffio outright does not make runtime code's guarded import a requirement).
   */
  optional: boolean | null;
  typeOnly: boolean | null;
  runtimeOptional: boolean | null;
  runtimeTypeOnly: boolean | null;
  /** Union of the versions under which the statements run. */
  runs: VersionMask;
  alsoInProject?: string;
  record(
    file: string,
    modules: string | string[],
    statement: ImportStatement,
    role: FileRole,
    runs: VersionMask,
  ): void;
}

/** The use of `name` in `uses`, created on first sight. */
function useOf(uses: Map<string, UseBuilder>, kind: Kind, name: string): UseBuilder {
  let use = uses.get(name);
  if (!use) {
    use = newUse(kind, name);
    uses.set(name, use);
  }
  return use;
}

function newUse(kind: Kind, name: string): UseBuilder {
  return {
    kind,
    name,
    files: new Set(),
    modules: new Set(),
    roles: new Set(),
    optional: null,
    typeOnly: null,
    runtimeOptional: null,
    runtimeTypeOnly: null,
    runs: 0,
    record(file, modules, statement, role, runs) {
      this.files.add(file);
      if (typeof modules === "string") this.modules.add(modules);
      else for (const module of modules) this.modules.add(module);
      if (runs === 0) return;
      this.roles.add(role);
      this.runs = (this.runs | runs) >>> 0;
      // Optional: no statement imports it outright (type-only ones are not outright either).
      this.optional = (this.optional ?? true) && (statement.optional || statement.typeOnly);
      this.typeOnly = (this.typeOnly ?? true) && statement.typeOnly;
      if (role === "runtime") {
        this.runtimeOptional = (this.runtimeOptional ?? true) && (statement.optional || statement.typeOnly);
        this.runtimeTypeOnly = (this.runtimeTypeOnly ?? true) && statement.typeOnly;
      }
    },
  };
}

const ROLE_ORDER: FileRole[] = ["runtime", "build", "dev", "docs"];

function buildFacts(uses: UseBuilder[], supported: VersionMask, filesScanned: number): ImportFacts {
  const facts = emptyImportFacts(filesScanned);
  const ordered = [...uses].sort((a, b) => byCodeUnit(a.name, b.name) || byCodeUnit(a.kind, b.kind));
  for (const use of ordered) {
    const reachable = use.runs !== 0;
    if (reachable && !facts[use.kind].includes(use.name)) facts[use.kind].push(use.name);
    const entry: ImportUse = {
      name: use.name,
      files: [...use.files].sort(byCodeUnit),
      modules: [...use.modules].sort(byCodeUnit),
      // A name only type checking imports is type-only, not optional.
      optional:
        (use.runtimeOptional ?? use.optional ?? false) && !(use.runtimeTypeOnly ?? use.typeOnly ?? false),
      typeOnly: use.runtimeTypeOnly ?? use.typeOnly ?? false,
      kind: use.kind,
      roles: ROLE_ORDER.filter((role) => use.roles.has(role)),
    };
    const marker = reachable && (use.runs & supported) >>> 0 !== supported ? maskToMarker(use.runs) : null;
    if (marker) entry.versions = marker;
    if (!reachable) entry.unreachable = true;
    if (use.alsoInProject) entry.alsoInProject = use.alsoInProject;
    facts.uses.push(entry);
    if (use.kind === "thirdParty" && reachable && entry.optional) facts.optional.push(use.name);
    if (use.kind === "thirdParty" && reachable && entry.typeOnly) facts.typeOnly.push(use.name);
  }
  return facts;
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Module names frameworks and servers load by convention (Django's admin.py, a WSGI entry): never plugins. */
const CONVENTIONAL_MODULES =
  /^(?:__init__|__main__|admin|apps|models|views|urls|tasks|signals|forms|serializers|settings|wsgi|asgi|app|application|main|cli|manage|server|celery|conftest|setup)$/;
const CONVENTIONAL_DIRECTORIES = /(?:^|\/)(?:migrations|management|templatetags|settings)\//;

/**
 * Which unimported files count as loaded by name: modules of a regular package (their folder has an
 * `__init__.py`), neither scripts nor the project's entry points nor names frameworks load by convention.
 */
function loadedByNameRule(
  scans: readonly ScannedFile[],
  entryModules: readonly string[],
): (file: string) => boolean {
  const files = new Set(scans.map((scan) => scan.file));
  const scripts = new Set(scans.filter((scan) => scan.script || scan.mainGuard).map((scan) => scan.file));
  const entryPaths = entryModules.map((module) => module.replace(/\./g, "/"));
  return (file) => {
    const slash = file.lastIndexOf("/");
    if (slash < 0 || !file.endsWith(".py") || scripts.has(file)) return false;
    const stem = file.slice(slash + 1, -3);
    if (CONVENTIONAL_MODULES.test(stem) || CONVENTIONAL_DIRECTORIES.test(file)) return false;
    if (!files.has(`${file.slice(0, slash)}/__init__.py`)) return false;
    const path = file.slice(0, -3);
    return !entryPaths.some((entry) => path === entry || path.endsWith(`/${entry}`));
  };
}
