/**
 * What `dhtl export` renders from: the facts and `.dhtconfig` reduced to the few values the exported files
 * need. The renderers in this folder are pure (these values in, file texts out): the workflow gathers them.
 */

export type ExportTarget = "docker" | "devcontainer" | "ci";
export const EXPORT_TARGETS: readonly ExportTarget[] = ["docker", "devcontainer", "ci"];

/** How the lock is installed: `uv sync` for uv.lock, `uv pip sync --require-hashes` for a hashed requirements lock. */
export type ExportLock =
  /** `workspace`: the lock names workspace members, whose pyproject.toml files uv reads even for `--frozen`. */
  | {
      kind: "uv";
      file: "uv.lock";
      workspace?: boolean;
      /** `.dhtl/uv-groups.lock`: the groups uv does not read, installed after the sync (plan/uv-groups.ts). */
      groups?: string;
    }
  | { kind: "requirements"; file: string };

/** The runner the project's tests use, as the evidence in its files tells. */
export type TestRunner =
  /** `declared`: the lock installs the tool, so it runs from the environment. */
  | { kind: "nox" | "tox"; evidence: string; declared: boolean }
  | { kind: "pytest"; evidence: string }
  /** `startDir`: the folder discovery starts in (`tests`), null for the project root. */
  | { kind: "unittest"; evidence: string; startDir: string | null }
  | { kind: "none"; evidence: string };

/** Debian packages (apt names, validated) the image needs, split by the stage that needs them. */
export interface ImagePackages {
  /** Headers and compilers for distributions that may build from source in the image; build stage only. */
  build: string[];
  /** Shared libraries and programs the installed distributions load. */
  runtime: string[];
  /** `.dhtconfig` `systemPackages.apt`: always installed, in every stage. */
  recorded: string[];
  /** One line per distribution, saying why (shown as a comment in the files). */
  reasons: string[];
}

export interface ExportInputs {
  /** The project's name, for image and container labels (`hello-app`); `app` when it has none. */
  name: string;
  /** The exact CPython version recorded (`3.12.1`). */
  python: string;
  /** The project's own supported range (`>=3.10`), null when it states none. */
  supportedRange: string | null;
  lock: ExportLock;
  /** True when the project itself is installed into the environment (editable), after its dependencies. */
  installProject: boolean;
  /** Optional-dependency extras recorded with `setup --extras`, normalised, sorted. */
  extras: string[];
  /** A single console script (`[project.scripts]`) the image runs by default; null runs `python`. */
  command: string | null;
  packages: ImagePackages;
  testRunner: TestRunner;
  /** Exact versions of tools recorded in `.dhtconfig` `tools:` (a pinned tox or nox). */
  tools: Record<string, string>;
  /** The uv version dhtl pins, installed from PyPI in images and CI. */
  uvVersion: string;
  /** The dhtl version that exports, installed from PyPI in the devcontainer and CI. */
  dhtlVersion: string;
  /** The base image for docker and devcontainer (`python:3.12.1-slim-bookworm`). */
  baseImage: string;
}

/** One file an export writes, by its path relative to the project root (posix). */
export interface ExportFile {
  path: string;
  text: string;
}

export interface ExportRendering {
  files: ExportFile[];
  /** What a person should know about the files (choices made, what could not be known). */
  notes: string[];
}
