/** What `dhtl migrate` reads from a project before planning (src/plan/migrate/ decides from it). */
import type { ManifestFacts, PythonVersionSource } from "../manifests/types.js";

export const SOURCE_KINDS = ["pip", "poetry", "pipenv", "conda", "setuptools"] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** One version an old lock (poetry.lock, Pipfile.lock, pdm.lock, pinned requirements) recorded. */
export interface OldLockedVersion {
  /** PEP 503-normalised name. */
  name: string;
  version: string;
  /** The lock or requirements file that pinned it. */
  file: string;
  /**
   * Where the old lock held several versions of one name split by markers (poetry.lock), the environments
   * this version is for; null for a lock's only version of a name.
   */
  marker?: string | null;
}

/** Everything the planner needs, read from disk beforehand: the planner itself touches nothing. */
export interface MigrationInput {
  /** Root-relative paths of the files at the project root (and requirements/ folders), sorted. */
  files: string[];
  /** Every manifest the readers produced. */
  manifests: ManifestFacts[];
  /** Current pyproject.toml text, or null when there is none. */
  pyprojectText: string | null;
  /** Versions the project's old lock files pinned. */
  oldLock: OldLockedVersion[];
  /** The folder name, used as project name when no manifest names the project. */
  directoryName: string;
  /** Top-level folders, to check that the chosen build backend finds the package. */
  directories: string[];
  /** Top-level modules of the project itself that setup.py imports (`import six` in six's setup.py). */
  setupPyLocalImports?: string[];
  /**
   * Python versions the project's other files name (CI matrices, tox envlists, trove classifiers …,
   * facts/python-hints): what migrate bounds the lock with when no manifest states a Python.
   */
  pythonHints?: PythonVersionSource[];
  /** Texts of files an in-tree build backend touches (null: absent): MANIFEST.in and the module itself. */
  buildFiles?: Record<string, string | null>;
  from?: SourceKind;
}
