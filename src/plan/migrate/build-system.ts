/**
 * The `[build-system]` a migrated project gets, and why:
 * - Poetry projects keep poetry-core when they use Poetry-only packaging (`packages`, `include`, `exclude`),
 *   which no other backend reads; otherwise they move to hatchling, which finds the same package layouts.
 * - setuptools projects stay on setuptools (setup.py may still do work no table can say).
 * - pip, Pipenv and conda projects had no build configuration: they stay applications uv does not build.
 */

import type { SourceKind } from "../../facts/migration/types.js";
import type { TomlPlain } from "../../formats/toml-edit.js";
import type { Table } from "../../formats/toml-table.js";
import type { BuildDecision } from "./types.js";

const POETRY_PACKAGING_KEYS = ["packages", "include", "exclude"];

export interface BuildInput {
  source: SourceKind;
  projectName: string;
  /** `[tool.poetry]` as parsed, for Poetry projects. */
  poetry: Table | null;
  /** setup_requires / build requirements the old files declared. */
  buildRequires: string[];
  /** Literal `packages` and `package_dir` from setup.py/setup.cfg, when known. */
  setuptools: { packages: unknown; packageDir: unknown };
  directories: string[];
  files: string[];
}

export function decideBuild(input: BuildInput): BuildDecision {
  switch (input.source) {
    case "poetry":
      return poetryBuild(input);
    case "setuptools":
      return setuptoolsBuild(input);
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
  return {
    backend: "hatchling.build",
    requires: ["hatchling"],
    reason: found
      ? `hatchling: no Poetry-only packaging is used, and hatchling finds ${found} as Poetry did`
      : "hatchling: no Poetry-only packaging is used",
    keepPoetryKeys: [],
    extraTables: [],
  };
}

function setuptoolsBuild(input: BuildInput): BuildDecision {
  const extras = input.buildRequires.filter((r) => !/^setuptools\b/i.test(r) && !/^wheel\b/i.test(r));
  const extraTables: BuildDecision["extraTables"] = [];
  const tool: Record<string, TomlPlain> = {};
  const { packages, packageDir } = input.setuptools;
  if (Array.isArray(packages) && packages.every((p) => typeof p === "string"))
    tool.packages = packages as string[];
  if (isStringRecord(packageDir)) tool["package-dir"] = packageDir;
  if (Object.keys(tool).length > 0) extraTables.push({ path: ["tool", "setuptools"], values: tool });
  return {
    backend: "setuptools.build_meta",
    requires: ["setuptools>=61", ...extras],
    reason:
      "setuptools kept: it reads the new [project] table and still runs setup.py for anything only code can say",
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

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((v) => typeof v === "string")
  );
}
