import type { Diagnostic } from "../../core/diagnostics.js";

/** A project file handed to a reader: its text plus where it lives. Readers never touch the disk themselves. */
export interface SourceFile {
  /** Path relative to the project root, posix separators (`requirements/dev.txt`). */
  path: string;
  text: string;
}

/** What a reader may ask for besides its own file: another project file (includes, `open("README")`). */
export interface ReadContext {
  /**
   * Reads another file by a path relative to the project root. Throws DhtlError (badInput) when the file is
   * missing, outside the project root, binary or too large; `from` names the file and line that asked.
   */
  readFile(relPath: string, from: { file: string; line: number | null }): SourceFile;
  /** True when a file exists inside the project root. */
  exists(relPath: string): boolean;
}

/** A requirement as written, in PEP 508 form, with where it came from. */
export interface Dependency {
  /** PEP 508 string, e.g. `requests[socks]>=2.31; python_version >= "3.9"`. */
  requirement: string;
  file: string;
  line: number | null;
  /** For requirements files: `--hash` values (`sha256:…`). */
  hashes?: string[];
  /** Installed editable (`-e`, Poetry `develop = true`, uv `editable = true`). */
  editable?: boolean;
}

export type PackageManager =
  | "uv"
  | "poetry"
  | "pdm"
  | "pipenv"
  | "pip"
  | "conda"
  | "hatch"
  | "flit"
  | "setuptools";

/** One statement about the Python version, from one file. */
export interface PythonVersionSource {
  /** What kind of statement: `.python-version`, `runtime.txt`, `.tool-versions`, `requires-python`,
   *  `tool.poetry.dependencies.python`, `Pipfile requires.python_version`, `environment.yml python`,
   *  `python_requires` … */
  source: string;
  file: string;
  line: number | null;
  /** The value as written (`3.11.7`, `>=3.9,<4`, `^3.10`, `python-3.12.1`). */
  value: string;
  /**
   * Set when the file only names a Python it runs on (a CI matrix, a Docker image, a classifier …)
   * rather than stating what the project needs: a hint ranks installed interpreters, it never pins one.
   */
  hint?: PythonHint;
}

/** What a hint says and how much it weighs (see facts/python-hints). */
export interface PythonHint {
  /**
   * `tested`: a CI matrix, tox or nox runs the tests on it; `runs`: a Docker or devcontainer image the
   * project runs in; `declared`: a trove classifier; `other`: named for something else (a docs host).
   */
  tier: "tested" | "runs" | "declared" | "other";
  /** `3.11`, `3.12.4`; null when the value names no CPython release (`pypy3.10`, `3.x`, `nightly`). */
  version: string | null;
  /** True for a pre-release or development build (`3.13-dev`, `3.14.0-beta.1`). */
  prerelease?: boolean;
  /** Why the file names it, in words: `GitHub Actions matrix python-version of job test`. */
  reason: string;
}

export interface PackageIndex {
  name: string;
  /** URL with any credentials already replaced by `****`. */
  url: string;
  file: string;
  /** Default index (replaces PyPI) or extra. */
  kind: "default" | "extra" | "find-links" | "explicit";
}

/** A version pinned by a lock file (Pipfile.lock, poetry.lock, pdm.lock, hashed requirements). */
export interface LockedPackage {
  name: string;
  version: string;
  hashes: string[];
  file: string;
}

export interface BuildSystem {
  backend: string | null;
  requires: string[];
  file: string;
  /** `backend-path` folders (an in-tree backend), root-relative, without `./` or a trailing `/`. */
  backendPath?: string[];
}

/**
 * Everything one manifest says. Fields a format cannot express stay empty.
 * `dependencyGroups` holds PEP 735 groups and their equivalents (Poetry groups, PDM/uv dev-dependencies,
 * `requirements-dev.txt`, Pipfile `[dev-packages]`), with includes already flattened.
 */
export interface ManifestFacts {
  /** Which reader produced this (`pep621`, `poetry`, `requirements`, `setup.py`, …). */
  kind: string;
  file: string;
  name: { value: string; file: string } | null;
  version: { value: string; file: string } | null;
  /** PEP 621 `dynamic` field names. */
  dynamic: string[];
  dependencies: Dependency[];
  optionalDependencies: Record<string, Dependency[]>;
  dependencyGroups: Record<string, Dependency[]>;
  /** `-c` constraint lines: they limit versions but are not dependencies. */
  constraints: Dependency[];
  python: PythonVersionSource[];
  /** The tool this manifest implies manages the project, if it implies one. */
  packageManager: PackageManager | null;
  buildSystem: BuildSystem | null;
  indexes: PackageIndex[];
  locked: LockedPackage[];
  /** Console scripts / entry points (`name` → `module:function`). */
  scripts: Record<string, string>;
  /** Packages only a non-PyPI ecosystem provides (conda-only packages), as written. */
  nonPythonPackages: { name: string; spec: string; manager: string; file: string; line: number | null }[];
  /** Other files read to produce this (includes, `open()` targets), relative to the root. */
  includedFiles: string[];
  /** Extras of the project itself that its own dev workflow installs (`pip install -e .[test]` …). */
  devExtras?: DevExtra[];
  /** What only one reader knows, typed per reader: never merged across manifests. */
  details: ManifestDetails;
  diagnostics: Diagnostic[];
}

/**
 * An extra of the project itself that the project's own development workflow installs: `-e .[test]` in a
 * requirements file or a noxfile, tox `extras = test`, Hatch's default environment `features`, CI running
 * `uv sync --all-extras`. setup installs these by default (plan/extras.ts).
 */
export interface DevExtra {
  /** Extra name as written, or `*` for every extra the project declares (`--all-extras`). */
  extra: string;
  file: string;
  line: number | null;
  /** What installs it, as written (`uv sync --all-extras`, `extras = test`). */
  how: string;
}

/** One section per reader; a reader fills only its own (conda's `pip:` lines fill `pip` too). */
export interface ManifestDetails {
  pyproject?: PyprojectDetails;
  pip?: PipLinesDetails;
  pipfile?: PipfileDetails;
  conda?: CondaDetails;
  /** setup.py and setup.cfg: the package layout options as written (setup.py: its literal values). */
  setuptools?: SetuptoolsDetails;
  setupCfg?: { toolSections: string[] };
}

/** A local path a manifest installs (`-e ./lib`, Pipfile `path = "../lib"`). */
export interface LocalPathDependency {
  path: string;
  editable: boolean;
  file: string;
  line: number | null;
}

/** How the project itself is installed, when a manifest lists it (`-e .`, Pipfile `path = "."`). */
export type InstallsProject = "editable" | "regular";

export interface PyprojectDetails {
  /** The dialects found, in reading order (`pep621`, `poetry`, `uv`, `build-system` …). */
  dialects: string[];
  /** `[project.entry-points]` as written. */
  entryPoints?: Record<string, unknown>;
  /** `[build-system] backend-path` as written. */
  backendPath?: unknown[];
  /** `false`: dependencies only, the project is never installed (Poetry `package-mode`, `[tool.uv] package`). */
  package?: boolean;
  /** The setting that said `package` (`tool.uv.package`, `tool.poetry.package-mode`). */
  packageSetting?: string;
  /**
   * Group entries from tool tables uv does not read (`[tool.pdm.dev-dependencies]`, Poetry groups, Hatch's
   * default environment): `uv sync` never installs them, so dhtl locks them beside uv.lock (plan/uv-groups.ts).
   */
  toolGroups?: Record<string, string[]>;
  /** Per-dependency sources: Poetry's `source`/`path`/`git` records and `[tool.uv.sources]` (redacted). */
  sources?: Record<string, unknown>;
  poetryOptionalGroups?: string[];
  /** `[tool.poetry.dependencies] python` as a PEP 440 specifier. */
  poetryPythonPep440?: string;
  /** `[tool.poetry]` packages/include/exclude, `[tool.uv]` workspace/default-groups/…, `[tool.setuptools]` layout. */
  poetry?: Record<string, unknown>;
  uv?: Record<string, unknown>;
  setuptools?: Record<string, unknown>;
  overrideDependencies?: string[];
  hatchEnvs?: Record<string, { dependencies: string[]; features: string[] }>;
  hatchAllowDirectReferences?: boolean;
  hatchVersion?: Record<string, unknown>;
  flitModule?: string;
}

/** What pip-format lines said beyond dependencies (requirements files, conda's `pip:` section). */
export interface PipLinesDetails {
  /** Which list the file feeds: `main`, `group:<name>`, `constraints`. */
  role?: string;
  /** The `.in` file this `.txt` was compiled from. */
  compiledFrom?: string;
  /** Install-tuning options, as written (`--no-binary :all:`). */
  pipOptions?: string[];
  localPaths?: LocalPathDependency[];
  /** `-r` includes of main requirements skipped while reading a group file. */
  includesMainFiles?: { path: string; group: string; file: string; line: number }[];
  installsProject?: InstallsProject;
}

export interface PipfileDetails {
  /** Package → `[[source]]` name it is pinned to. */
  packageIndexes?: Record<string, string>;
  localPaths?: LocalPathDependency[];
  pipenv?: Record<string, unknown>;
  /** Pipenv scripts are shell commands, not entry points. */
  pipenvScripts?: Record<string, unknown>;
  pipfileHash?: string;
  lockedFromVcs?: string[];
  /** Pipfile.lock: the commit (`ref`) each version-control package is locked at. */
  lockedVcsRefs?: Record<string, string>;
  installsProject?: InstallsProject;
}

export interface CondaDetails {
  environmentName?: string;
  channels?: string[];
  variableNames?: string[];
  condaPackages?: CondaEntry[];
}

/** One conda package spec, with the PyPI name it maps to (null: conda-only) and why. */
export interface CondaEntry {
  spec: string;
  name: string;
  channel: string | null;
  pypi: string | null;
  reason: string;
  line: number;
}

export interface SetuptoolsDetails {
  /**
   * The setup() keywords setup.py passes (setup.cfg: its [metadata]/[options] keys, `entry_points` and
   * `extras_require` for their sections), underscores; `**` when setup(**…) passes keywords nobody can read.
   */
  keywords?: string[];
  packages?: unknown;
  packageDir?: unknown;
  pyModules?: unknown;
  dependencyLinks?: unknown;
}

/**
 * A manifest format plugin: one file per format under src/facts/manifests/, registered in registry.ts.
 * `read` is pure apart from `ctx`: text in, facts and diagnostics out. Malformed input that makes the whole
 * file unusable throws DhtlError("badInput", …, {file, line}); a problem in one entry becomes a diagnostic.
 */
export interface ManifestReader {
  name: string;
  /** Link to the format's specification. */
  spec: string;
  /** True when this reader claims the file at this root-relative path. */
  claims(relPath: string): boolean;
  read(file: SourceFile, ctx: ReadContext): ManifestFacts[];
}

/** A ManifestFacts with every field empty, for readers to fill. */
export function emptyManifest(kind: string, file: string): ManifestFacts {
  return {
    kind,
    file,
    name: null,
    version: null,
    dynamic: [],
    dependencies: [],
    optionalDependencies: {},
    dependencyGroups: {},
    constraints: [],
    python: [],
    packageManager: null,
    buildSystem: null,
    indexes: [],
    locked: [],
    scripts: {},
    nonPythonPackages: [],
    includedFiles: [],
    details: {},
    diagnostics: [],
  };
}
