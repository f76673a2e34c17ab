/**
 * The new pyproject.toml text. Without a pyproject.toml the whole file is rendered here; with one, the file
 * is edited in place (toml-edit.ts): tables dhtl does not own keep their bytes, comments and order.
 *
 * Rule for an existing `[tool.poetry]`: every key migrated into `[project]`, `[dependency-groups]` or
 * `[tool.uv]` is removed (so there is one source of truth); packaging keys poetry-core still reads are kept
 * when poetry-core stays the backend, and keys dhtl does not know are left alone and reported.
 */
import type { SourceKind } from "../../facts/migration/types.js";
import { parseToml } from "../../formats/toml.js";
import {
  appendBlock,
  insertBeforeToolTables,
  patchToml,
  quoteKey,
  renderTable,
  renderValue,
  type TomlPlain,
  tidySection,
} from "../../formats/toml-edit.js";
import { isTable, type Table, tableAt, tableOrNull, valueAt } from "../../formats/toml-table.js";
import type { BuildDecision, TargetProject, UvSource } from "./types.js";

/** `[tool.poetry]` keys whose content the migration carries elsewhere. */
export const MIGRATED_POETRY_KEYS = [
  "name",
  "version",
  "description",
  "authors",
  "maintainers",
  "license",
  "readme",
  "homepage",
  "repository",
  "documentation",
  "keywords",
  "classifiers",
  "urls",
  "dependencies",
  "dev-dependencies",
  "group",
  "extras",
  "scripts",
  "source",
  "package-mode",
];

export interface RenderResult {
  text: string;
  /** `[tool.poetry]` keys left in place because dhtl does not migrate them. */
  leftPoetryKeys: string[];
}

export function renderPyproject(
  before: string | null,
  project: TargetProject,
  build: BuildDecision,
  source: SourceKind,
): RenderResult {
  if (before === null || before.trim() === "") {
    const blocks = [
      ...projectTables(project),
      ...groupTable(project),
      ...buildTables(build),
      ...build.extraTables.map((t) => renderTable(t.path, t.values)),
      ...uvTables(project),
    ];
    return { text: blocks.join("\n"), leftPoetryKeys: [] };
  }
  const existing = parseToml(before, "pyproject.toml");
  const has = (path: string[]) => valueAt(existing, path) !== undefined;
  // `[tool.uv.sources]` alone makes `tool.uv` exist; only a `[tool.uv]` header can take new keys in place.
  const hasUvHeader = /^\s*\[\s*tool\.uv\s*\]/m.test(before);
  const leftPoetryKeys: string[] = [];
  let text = patchToml(before, (doc) => {
    if (source === "poetry") leftPoetryKeys.push(...prunePoetry(doc, build));
    if (has(["build-system"]) && !build.keepExisting) {
      if (build.backend === null) {
        if (source === "poetry" || source === "setuptools") delete doc["build-system"];
      } else {
        const table = tableOrNull(doc["build-system"]);
        if (table) {
          table.requires = build.requires;
          table["build-backend"] = build.backend;
          if (build.backendPath) table["backend-path"] = build.backendPath;
        }
      }
    }
    const projectTable = tableOrNull(doc.project);
    if (projectTable) fillMissing(projectTable, projectValues(project));
    const groups = tableOrNull(doc["dependency-groups"]);
    if (groups) fillMissing(groups, project.dependencyGroups);
    const uv = tableAt(doc, ["tool", "uv"]);
    if (uv && hasUvHeader) fillMissing(uv, uvSettings(project));
    const sources = uv ? tableOrNull(uv.sources) : null;
    if (sources) fillMissing(sources, sourcesTable(project.sources));
    if (uv && Array.isArray(uv.index)) {
      const names = new Set(uv.index.map((i) => (isTable(i) ? i.name : undefined)));
      uv.index.push(...project.indexes.filter((i) => !names.has(i.name)));
    }
  });
  if (source === "poetry") text = tidySection(text, ["tool", "poetry"]);
  const front = [
    ...(has(["project"]) ? [] : projectTables(project)),
    ...(has(["dependency-groups"]) ? [] : groupTable(project)),
    ...(has(["build-system"]) ? [] : buildTables(build)),
  ];
  text = insertBeforeToolTables(text, front.join("\n"));
  const back = [
    ...build.extraTables.filter((t) => !has(t.path)).map((t) => renderTable(t.path, t.values)),
    ...uvTables(project, {
      settings: !hasUvHeader,
      sources: !has(["tool", "uv", "sources"]),
      indexes: !has(["tool", "uv", "index"]),
    }),
  ];
  text = appendBlock(text, back.join("\n"));
  return { text, leftPoetryKeys };
}

/** `[project]` and its sub-tables. */
function projectTables(project: TargetProject): string[] {
  const out = [renderTable(["project"], projectValues(project))];
  if (
    Object.keys(project.optionalDependencies).length > 0 &&
    !project.dynamic.includes("optional-dependencies")
  ) {
    out.push(renderTable(["project", "optional-dependencies"], project.optionalDependencies));
  }
  if (Object.keys(project.scripts).length > 0 && !project.dynamic.includes("scripts"))
    out.push(renderTable(["project", "scripts"], project.scripts));
  if (Object.keys(project.urls).length > 0) out.push(renderTable(["project", "urls"], project.urls));
  return out;
}

function groupTable(project: TargetProject): string[] {
  return Object.keys(project.dependencyGroups).length > 0
    ? [renderTable(["dependency-groups"], project.dependencyGroups)]
    : [];
}

function projectValues(project: TargetProject): Record<string, TomlPlain> {
  const values: Record<string, TomlPlain> = { name: project.name, version: project.version };
  if (project.description !== null) values.description = project.description;
  if (project.readme !== null) values.readme = project.readme;
  if (project.license !== null) values.license = project.license;
  if (project.authors.length > 0) values.authors = project.authors.map((a) => ({ ...a }));
  if (project.keywords.length > 0) values.keywords = project.keywords;
  if (project.classifiers.length > 0) values.classifiers = project.classifiers;
  if (project.requiresPython !== null) values["requires-python"] = project.requiresPython;
  values.dependencies = project.dependencies;
  for (const field of project.dynamic) delete values[field];
  if (project.dynamic.length > 0) values.dynamic = project.dynamic;
  return values;
}

function buildTables(build: BuildDecision): string[] {
  if (build.backend === null) return [];
  return [
    `[build-system]\nrequires = [${build.requires.map((r) => JSON.stringify(r)).join(", ")}]\nbuild-backend = ${JSON.stringify(build.backend)}\n${build.backendPath ? `backend-path = ${JSON.stringify(build.backendPath)}\n` : ""}`,
  ];
}

function uvSettings(project: TargetProject): Record<string, TomlPlain> {
  const values: Record<string, TomlPlain> = {};
  if (project.defaultGroups !== null) values["default-groups"] = project.defaultGroups;
  if (project.environments !== null) values.environments = project.environments;
  if (project.package === false) values.package = false;
  if (project.constraints.length > 0) values["constraint-dependencies"] = project.constraints;
  if (project.excludeNewerPackage) values["exclude-newer-package"] = project.excludeNewerPackage;
  return values;
}

function sourcesTable(sources: Record<string, UvSource>): Record<string, TomlPlain> {
  const out: Record<string, TomlPlain> = {};
  for (const [name, source] of Object.entries(sources)) out[name] = { ...source };
  return out;
}

function uvTables(
  project: TargetProject,
  want: { settings: boolean; sources: boolean; indexes: boolean } = {
    settings: true,
    sources: true,
    indexes: true,
  },
): string[] {
  const out: string[] = [];
  const settings = uvSettings(project);
  if (want.settings && Object.keys(settings).length > 0) out.push(renderTable(["tool", "uv"], settings));
  if (want.sources && Object.keys(project.sources).length > 0) {
    const lines = Object.entries(sourcesTable(project.sources)).map(
      ([name, value]) => `${quoteKey(name)} = ${renderValue(value)}`,
    );
    out.push(`[tool.uv.sources]\n${lines.join("\n")}\n`);
  }
  if (want.indexes) {
    for (const index of project.indexes) {
      out.push(renderTable(["tool", "uv", "index"], { ...index }, true));
    }
  }
  return out;
}

/** Removes migrated keys from `[tool.poetry]`; returns the keys left that dhtl does not migrate. */
function prunePoetry(doc: Table, build: BuildDecision): string[] {
  const tool = tableOrNull(doc.tool);
  const poetry = tableOrNull(tool?.poetry);
  if (!tool || !poetry) return [];
  for (const key of MIGRATED_POETRY_KEYS) delete poetry[key];
  for (const key of ["packages", "include", "exclude"]) {
    if (!build.keepPoetryKeys.includes(key)) delete poetry[key];
  }
  const left = Object.keys(poetry).filter((key) => !build.keepPoetryKeys.includes(key));
  if (Object.keys(poetry).length === 0) delete tool.poetry;
  if (Object.keys(tool).length === 0) delete doc.tool;
  return left.sort();
}

/** Sets only the keys the table does not have yet: what the user wrote wins. */
function fillMissing(table: Table, values: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(values)) if (!(key in table)) table[key] = value;
}
