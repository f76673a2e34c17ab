/**
 * What `dhtl migrate` is to write (MigrationPlan). What was read (MigrationInput) is
 * src/facts/migration/types.ts; what happened (MigrationResult) is src/workflows/migrate.ts.
 */
import type { OldLockedVersion, SourceKind } from "../../facts/migration/types.js";
import type { TomlPlain } from "../../formats/toml-edit.js";
import type { Resolution } from "../as-of.js";

/** One entry of `[tool.uv.sources]`. */
export interface UvSource {
  git?: string;
  rev?: string;
  tag?: string;
  branch?: string;
  subdirectory?: string;
  path?: string;
  editable?: boolean;
  url?: string;
  index?: string;
}

/** One `[[tool.uv.index]]` entry. Never carries credentials. */
export interface UvIndex {
  name: string;
  url: string;
  default?: boolean;
  explicit?: boolean;
  format?: "flat";
}

export interface BuildDecision {
  /** null: no [build-system], the project is an application uv does not build. */
  backend: string | null;
  requires: string[];
  reason: string;
  /** `[tool.poetry]` keys kept because poetry-core still reads them. */
  keepPoetryKeys: string[];
  /** Extra tables the backend needs (`tool.hatch.build.targets.wheel` packages …). */
  extraTables: { path: string[]; values: Record<string, TomlPlain> }[];
  /** The project's own `[build-system]` stays byte for byte (meson-python, scikit-build, maturin …). */
  keepExisting?: boolean;
  /** `[tool.uv] package = false`: uv installs the dependencies only (Poetry's package-mode = false). */
  uvPackage?: false;
  /** `[build-system] backend-path`, for an in-tree backend (editable-backend.ts). */
  backendPath?: string[];
  /** The in-tree backend module to write (root-relative path and text). */
  inTreeBackend?: { file: string; text: string };
}

/** The target project, as PEP 621 and uv say it. */
export interface TargetProject {
  name: string;
  /** PEP 621 fields left to the build backend (setup.py computes them); never written statically. */
  dynamic: string[];
  version: string;
  description: string | null;
  readme: string | null;
  license: string | null;
  authors: { name?: string; email?: string }[];
  keywords: string[];
  classifiers: string[];
  urls: Record<string, string>;
  requiresPython: string | null;
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  scripts: Record<string, string>;
  dependencyGroups: Record<string, string[]>;
  /** `[tool.uv] default-groups`, when it must differ from uv's default (`dev` only). */
  defaultGroups: string[] | null;
  /** `[tool.uv] environments`: the Pythons the lock is for, when requires-python names ones uv cannot lock. */
  environments: string[] | null;
  /** `[tool.uv] package = false`: uv installs the dependencies only. */
  package?: false;
  constraints: string[];
  /** `[tool.uv] exclude-newer-package`: build tools held to an old lock's time (BuildToolsAsOf). */
  excludeNewerPackage: Record<string, string> | null;
  sources: Record<string, UvSource>;
  indexes: UvIndex[];
}

/** A file the migration writes, with its content before (null: created) and after. */
export interface FileChange {
  path: string;
  before: string | null;
  after: string;
}

export interface MigrationPlan {
  source: SourceKind;
  /** Why this source was chosen (the file that says so, or `--from`). */
  detectedBecause: string;
  project: TargetProject;
  build: BuildDecision;
  /** The files this migration writes (pyproject.toml, .python-version). */
  changes: FileChange[];
  /** Old manifests and locks the project no longer needs once migrated. */
  oldFiles: string[];
  oldLock: OldLockedVersion[];
  /** Things dhtl could not migrate on its own: a person decides. */
  review: string[];
  /** What was done and why, one sentence each. */
  notes: string[];
  /** conda-only packages: not on PyPI, with what to do about each. */
  condaOnly: { name: string; spec: string; what: string }[];
  /** Nothing names a Python (no range, pin or hint): the workflow chooses one (`planMigration`'s `python`). */
  pythonUnstated: boolean;
  /** `uv lock --exclude-newer`: resolve as of this time (the workflow decides, plan/as-of.ts); null: today. */
  asOf: (Resolution & { automatic: boolean }) | null;
}

/** The interpreter the workflow chose for a project that names none (as `dhtl setup` chooses it). */
export interface ChosenPython {
  /** `X.Y`. */
  minor: string;
  /** Why, as the notes say it. */
  why: string;
}

/**
 * Build tools held to the time of the old lock (setuptools and wheel `exclude-newer-package`), for a lock
 * whose sdists no longer build with today's (requests-html 2019: MarkupSafe 1.0 imports setuptools'
 * `Feature`, gone in 46), with the Python they run on. Written to `[tool.uv]`, so `uv sync` builds the same.
 */
export interface BuildToolsAsOf {
  /** Distribution name → RFC 3339 time. */
  packages: Record<string, string>;
  /** `X.Y` the lock is made with (pinned in .python-version when nothing pins one). */
  python: string;
  /** Why, for the notes ("Pipfile.lock last changed 2018-03-21"). */
  why: string;
}
