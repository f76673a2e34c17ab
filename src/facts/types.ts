import type { Diagnostic } from "../core/diagnostics.js";
import type { Component } from "./components.js";
import type { MachineFacts } from "./machine.js";
import type {
  BuildSystem,
  DevExtra,
  LockedPackage,
  ManifestFacts,
  PackageIndex,
  PackageManager,
  PythonVersionSource,
} from "./manifests/types.js";
import type { UserFacts } from "./user.js";

/** The unified project model: every manifest merged, each value remembering its file. */
export interface ProjectModel {
  name: string | null;
  version: string | null;
  /** PEP 508 strings. */
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  dependencyGroups: Record<string, string[]>;
  constraints: string[];
  requiresPython: string | null;
  /** Exact (`3.11.7`) or minor (`3.11`) version from a pin file, or null. */
  pythonPin: string | null;
  packageManager: PackageManager | null;
  sources: { file: string; kind: string }[];
  /** Field name → file it came from (`name` → `pyproject.toml`). */
  provenance: Record<string, string>;
  buildSystem: BuildSystem | null;
  indexes: PackageIndex[];
  locked: LockedPackage[];
  scripts: Record<string, string>;
  /** True when the project is an installable package (has a build backend, setup.py or setup.cfg metadata). */
  isPackage: boolean;
  nonPythonPackages: ManifestFacts["nonPythonPackages"];
  /** Extras of the project that its own dev workflow installs (tox, nox, Hatch, CI, `-e .[test]`). */
  devExtras?: DevExtra[];
  manifests: ManifestFacts[];
}

export interface PythonFacts {
  candidates: PythonVersionSource[];
  /** The winning statement, normalised, with the reason it won. */
  chosen: {
    value: string;
    kind: "exact" | "minor" | "range";
    source: string;
    file: string;
    reason: string;
    /** Interpreter other than CPython when the pin names one (`pypy` from `pypy3.10-7.3.15`). */
    implementation?: string;
  } | null;
  conflicts: string[];
  /**
   * The interpreter setup would use on this machine and why (analyze, when the machine was probed; the
   * lock's wheels answer without uv, so a project without one may get another when setup asks uv).
   */
  interpreter?: { version: string | null; path: string | null; reason: string };
  /** Candidates that state no usable version (`system`, garbage), with why; they take no part in the choice. */
  ignored?: { source: string; file: string; value: string; reason: string }[];
}

export interface TypeCandidate {
  name: ProjectTypeName;
  score: number;
  evidence: string[];
}

export type ProjectTypeName =
  | "django"
  | "flask"
  | "fastapi"
  | "streamlit"
  | "jupyter"
  | "cli"
  | "library"
  | "data-science"
  | "generic";

export interface ProjectTypeFacts {
  name: ProjectTypeName;
  candidates: TypeCandidate[];
}

/** Where one imported top-level name is used. */
export interface ImportUse {
  /** Top-level module name (`yaml`, `google.cloud` for namespace packages). */
  name: string;
  files: string[];
  /**
   * Full dotted module paths imported under this name, sorted (`google.cloud.storage`), so the
   * distribution mapping can match namespace packages. For third-party names `from a.b import c` also
   * lists `a.b.c`, which may be an attribute rather than a submodule: match by longest known prefix.
   */
  modules: string[];
  /** True when no use imports it outright: each is inside `try: … except ImportError` or type-only, not all type-only. */
  optional: boolean;
  /** True only when every use is under `if TYPE_CHECKING:`. */
  typeOnly: boolean;
  /** How the name resolved; absent in hand-built facts, where `thirdParty` membership decides. */
  kind?: "stdlib" | "local" | "thirdParty";
  /** What the importing files are for: runtime code, setup.py (`build`), tests and tools (`dev`), `docs`. */
  roles?: ("runtime" | "build" | "dev" | "docs")[];
  /** PEP 508 marker of the Python versions under which the imports run, when a version guard narrows them. */
  versions?: string;
  /** Every import sits under a version guard that no Python the project supports takes. */
  unreachable?: boolean;
  /**
   * A third-party name that is also a module of the project, though not importable from the files that
   * import it (`pkg/x.py` from `pkg/y.py` in Python 3): a declared distribution may provide it; else it is
   * the project's own module imported the Python 2 way, never a PyPI suggestion.
   */
  alsoInProject?: string;
}

export interface ImportFacts {
  thirdParty: string[];
  local: string[];
  stdlib: string[];
  /** Third-party names imported only optionally. */
  optional: string[];
  /** Third-party names imported only for type checking. */
  typeOnly: string[];
  uses: ImportUse[];
  filesScanned: number;
  /** Files written for Python 2 (print statements, `except E, e:`), classified against its stdlib. */
  python2Files?: { file: string; line: number; evidence: string }[];
  /** Source files that could not be scanned (too large, unreadable): what they import is unknown. */
  unscanned?: string[];
  /** Names code may import by a name computed at run time (`import_module(name)`): uses, never requirements. */
  dynamicNames?: string[];
  /** Dependencies PEP 723 scripts declare inline (`# /// script`): what their imports may come from. */
  scriptDependencies?: string[];
}

/** Import facts with nothing found: no files scanned yet, or none to scan. */
export function emptyImportFacts(filesScanned = 0): ImportFacts {
  return {
    thirdParty: [],
    local: [],
    stdlib: [],
    optional: [],
    typeOnly: [],
    uses: [],
    filesScanned,
    python2Files: [],
    unscanned: [],
  };
}

export interface UndeclaredImport {
  import: string;
  /** Distributions that provide it, best first. */
  candidates: string[];
  files: string[];
  /** PEP 508 marker of the Python versions under which it is imported, when a version guard narrows them. */
  when?: string;
  /** For tooling imports: what the importing files are (`build` setup.py, `dev` tests and tools, `docs`). */
  roles?: ("runtime" | "build" | "dev" | "docs")[];
}

/** A declared distribution and why dhtl judged it the way it did. */
export interface DistributionReason {
  name: string;
  reason: string;
}

export interface InferredFacts {
  /** Imports of the project's runtime code that nothing declares. */
  undeclared: UndeclaredImport[];
  undeclaredOptional: UndeclaredImport[];
  undeclaredTypeOnly: UndeclaredImport[];
  /** Imports of setup.py, tests, tools and docs that neither the dependencies, groups nor build requirements declare. */
  undeclaredTooling: UndeclaredImport[];
  /** Declared distribution names nothing imports or uses otherwise. */
  unused: string[];
  /** Declared distributions nothing imports that are used another way (a command, a plugin, settings), with how. */
  usedWithoutImport: DistributionReason[];
  /** Would be unused, but a source file that could not be scanned may import them. */
  unusedUncertain: DistributionReason[];
  /** Imports of a project module Python 3 cannot find from the importing files, and where the module is. */
  notImportable: { import: string; files: string[]; module: string }[];
}

export interface SystemDependency {
  /** OS package name. */
  name: string;
  manager: string;
  /** Python distribution that needs it (the project's own name for its own build needs). */
  because: string;
  phase: "build" | "runtime";
  /** A build need of the project itself (its own C extension), read from its build files. */
  own?: boolean;
  /** Where the project's build files ask for it (`setup.py:18 pkg-config mysqlclient|mariadb`). */
  evidence?: string;
}

/** A Python project below the root (facts/subprojects.ts finds them). */
export interface Subproject {
  /** Root-relative posix directory (`backend`, `examples/servers/simple-tool`). */
  dir: string;
  /** The distribution name its manifests give, or null (an app with requirements files only). */
  name: string | null;
  /**
   * `workspace-member`: part of the root's uv workspace, installed into the root's environment;
   * `nested`: a project of its own, set up in its own directory (`dhtl setup <dir>`).
   */
  kind: "workspace-member" | "nested";
  /** Its manifest files, root-relative, sorted. */
  manifests: string[];
}

/**
 * What every environment command needs: the project's own files (manifests merged, Python version,
 * Node/Rust/Go components) and the system packages its declared dependencies ask for. No source walk.
 */
export interface ProjectFacts {
  root: string;
  project: ProjectModel;
  python: PythonFacts;
  /** For every manager dhtl knows (analyze narrows them to the machine's). */
  systemDependencies: SystemDependency[];
  /** Node, Rust and Go parts of the project (root or sub-folders), with the toolchain versions they ask for. */
  components: Component[];
  /** Python projects below the root: uv workspace members and nested projects (facts/subprojects.ts). */
  subprojects: Subproject[];
  diagnostics: Diagnostic[];
}

/** What the code says: the project type, and (when scanned) its imports and what they imply. */
export interface CodeFacts {
  type: ProjectTypeFacts;
  /** Null when the imports were not scanned (not the same as a scan that found none). */
  imports: ImportFacts | null;
  /** Null when the imports were not scanned: nothing can be called undeclared or unused then. */
  inferred: InferredFacts | null;
  diagnostics: Diagnostic[];
}

/** Everything `analyze` reports: the project, the code, the machine and the user. */
export interface Facts extends ProjectFacts {
  type: ProjectTypeFacts;
  imports: ImportFacts | null;
  inferred: InferredFacts | null;
  /** Null when the caller skipped the machine probe. */
  system: MachineFacts | null;
  /** Null when the caller skipped reading the user's configuration. Secrets are already redacted. */
  user: UserFacts | null;
}
