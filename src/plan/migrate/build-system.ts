/**
 * The `[build-system]` a migrated project gets, and why:
 * - A project's own backend that is not Poetry's (meson-python, scikit-build-core, maturin …) stays as it is:
 *   it builds what no other backend can (C extensions, Rust).
 * - Poetry projects keep poetry-core when they use Poetry-only packaging (`packages`, `include`, `exclude`),
 *   which no other backend reads, or when hatchling would not find the package; otherwise they move to
 *   hatchling, which finds the same package layouts.
 * - setuptools projects stay on setuptools (setup.py may still do work no table can say), and so do pip,
 *   Pipenv and conda projects with a setup.py/setup.cfg beside them (that is the package's metadata);
 *   a setup.py that imports the project's own module gets `__legacy__`, which puts the root on sys.path.
 * - Other pip, Pipenv and conda projects had no build configuration: they stay applications uv does not build.
 */

import type { SourceKind } from "../../facts/migration/types.js";
import type { Table } from "../../formats/toml-table.js";
import {
  EDITABLE_BACKEND_DIR,
  EDITABLE_BACKEND_FILE,
  EDITABLE_BACKEND_MODULE,
  editableBackendText,
} from "./editable-backend.js";
import type { BuildDecision } from "./types.js";

const POETRY_PACKAGING_KEYS = ["packages", "include", "exclude"];
/** `setuptools`, `setuptools>=40` — not `setuptools-scm` or `setuptools_rust`. */
const SETUPTOOLS_ITSELF = /^setuptools\s*(?:[<>=!~;[(]|$)/i;
const POETRY_BACKENDS = new Set(["poetry.core.masonry.api", "poetry.masonry.api"]);

export interface BuildInput {
  source: SourceKind;
  projectName: string;
  /** `[tool.poetry]` as parsed, for Poetry projects. */
  poetry: Table | null;
  /** setup_requires / build requirements the old files declared. */
  buildRequires: string[];
  directories: string[];
  files: string[];
  /** The `[build-system]` pyproject.toml has now, if any. */
  existing: { backend: string | null; requires: string[] } | null;
  /** setup.py/setup.cfg describe the package (always for a setuptools source). */
  setuptoolsPackage: boolean;
  /** Modules of the project that setup.py imports. */
  setupPyLocalImports: string[];
  /** The project's Python range allows Pythons older than 3.7 (or states none). */
  supportsPython36?: boolean;
  /** The project itself names Python 3.6 (range, pin or hints): uv must install it editable there. */
  editableOn36?: boolean;
  /** setuptools is held to an old lock's time (BuildToolsAsOf): older than 61 (no [project]) and 64 (PEP 660). */
  oldBuildTools?: boolean;
}

export function decideBuild(input: BuildInput): BuildDecision {
  const own = input.existing?.backend;
  if (own && !POETRY_BACKENDS.has(own) && !/^setuptools\.build_meta/.test(own)) {
    const packageMode = input.poetry?.["package-mode"] !== false;
    return {
      backend: own,
      requires: input.existing?.requires ?? [],
      reason: `${own} kept: the project's own build backend builds what no other backend can${packageMode ? "" : "; package-mode = false becomes [tool.uv] package = false, so uv installs the dependencies only"}`,
      keepPoetryKeys: [],
      extraTables: [],
      keepExisting: true,
      ...(packageMode ? {} : { uvPackage: false as const }),
    };
  }
  if (input.source === "poetry") return poetryBuild(input);
  if (input.setuptoolsPackage) return setuptoolsBuild(input);
  switch (input.source) {
    default:
      return {
        backend: null,
        requires: [],
        reason: `a ${input.source} project has no build configuration: it stays an application, so uv installs its dependencies and does not build it`,
        keepPoetryKeys: [],
        extraTables: [],
      };
  }
}

function poetryBuild(input: BuildInput): BuildDecision {
  const poetry = input.poetry ?? {};
  if (poetry["package-mode"] === false) {
    return {
      backend: null,
      requires: [],
      reason:
        "package-mode = false: Poetry never built it, so no [build-system] and uv installs only the dependencies",
      keepPoetryKeys: [],
      extraTables: [],
    };
  }
  const used = POETRY_PACKAGING_KEYS.filter((key) => poetry[key] !== undefined);
  if (used.length > 0) {
    return {
      backend: "poetry.core.masonry.api",
      requires: ["poetry-core>=2.0.0,<3.0.0"],
      reason: `poetry-core kept: [tool.poetry] ${used.join(", ")} ${used.length > 1 ? "are" : "is"} Poetry-only packaging that other backends do not read; poetry-core 2 reads [project]`,
      keepPoetryKeys: used,
      extraTables: [],
    };
  }
  const module = input.projectName.toLowerCase().replace(/[-.]+/g, "_");
  const found = findPackage(module, input);
  if (!found) {
    return {
      backend: "poetry.core.masonry.api",
      requires: ["poetry-core>=2.0.0,<3.0.0"],
      reason: `poetry-core kept: hatchling would not find the package (no src/${module}/, ${module}/ or ${module}.py), and poetry-core 2 builds from [project] as Poetry did`,
      keepPoetryKeys: [],
      extraTables: [],
    };
  }
  return {
    backend: "hatchling.build",
    requires: ["hatchling"],
    reason: `hatchling: no Poetry-only packaging is used, and hatchling finds ${found} as Poetry did`,
    keepPoetryKeys: [],
    extraTables: [],
  };
}

function setuptoolsBuild(input: BuildInput): BuildDecision {
  const extras = input.buildRequires.filter((r) => !SETUPTOOLS_ITSELF.test(r) && !/^wheel\b/i.test(r));
  // No [tool.setuptools]: setup.py and setup.cfg stay, and their packages/package_dir still apply.
  const extraTables: BuildDecision["extraTables"] = [];
  const legacy = input.setupPyLocalImports.length > 0;
  const kept = (input.existing?.requires ?? []).filter((r) => !SETUPTOOLS_ITSELF.test(r));
  // setuptools 61 (the first to read [project]) needs Python 3.7; on older Pythons the last setuptools for them
  // builds from setup.py alone, which still says everything [project] says.
  // Held to an old lock's time, setuptools predates [project]: setup.py, which says everything, builds alone.
  const setuptools = input.oldBuildTools
    ? ["setuptools"]
    : input.supportsPython36
      ? ['setuptools>=61; python_version >= "3.7"', 'setuptools; python_version < "3.7"']
      : ["setuptools>=61"];
  const backend = legacy ? "setuptools.build_meta:__legacy__" : "setuptools.build_meta";
  const reason = legacy
    ? `setuptools kept, with __legacy__: setup.py imports the project's own ${input.setupPyLocalImports.join(", ")}, which only the legacy backend puts on sys.path`
    : "setuptools kept: it reads the new [project] table and still runs setup.py for anything only code can say";
  const requires = [...setuptools, ...new Set([...kept, ...extras])];
  if (!input.editableOn36 && !input.oldBuildTools)
    return { backend, requires, reason, keepPoetryKeys: [], extraTables };
  return {
    backend: EDITABLE_BACKEND_MODULE,
    backendPath: [EDITABLE_BACKEND_DIR],
    inTreeBackend: { file: EDITABLE_BACKEND_FILE, text: editableBackendText(legacy) },
    requires,
    reason: `${reason}; through ${EDITABLE_BACKEND_FILE} (setuptools.build_meta${legacy ? ":__legacy__" : ""} itself, plus editable installs where setuptools has none): ${input.oldBuildTools ? "setuptools is held to the old lock's time" : "the package supports Python 3.6"}, when setuptools could not install a project editable, and \`uv sync\` installs it editable`,
    keepPoetryKeys: [],
    extraTables,
  };
}

/** Where hatchling (and Poetry) look for a package: `src/<name>/`, `<name>/` or `<name>.py`. */
function findPackage(module: string, input: BuildInput): string | null {
  if (input.directories.includes(`src/${module}`)) return `src/${module}/`;
  if (input.directories.includes(module)) return `${module}/`;
  if (input.files.includes(`${module}.py`)) return `${module}.py`;
  return null;
}
