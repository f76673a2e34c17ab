/**
 * The pure planner of `dhtl migrate`: from what was read (MigrationInput) to the files to write and
 * everything a person should know (MigrationPlan). No disk, no processes: tests check plans directly.
 */

import { compareText } from "../../core/compare.js";
import { DhtlError } from "../../core/errors.js";
import { isRequirementsFile } from "../../facts/manifests/requirements/index.js";
import type { ManifestFacts, PythonVersionSource } from "../../facts/manifests/types.js";
import { mergeManifests } from "../../facts/merge.js";
import type { MigrationInput, SourceKind } from "../../facts/migration/types.js";
import { resolvePythonVersion } from "../../facts/python-version.js";
import { parseToml } from "../../formats/toml.js";
import { type Table, tableAt, tableOrNull } from "../../formats/toml-table.js";
import { isValidDistributionName, normalizeName } from "../../pep/names.js";
import { specifierAllows } from "../../pep/pep440.js";
import { tryParseRequirement } from "../../pep/pep508.js";
import { decideBuild } from "./build-system.js";
import { condaOnlyAdvice } from "./conda-only.js";
import { detectSource } from "./detect.js";
import { renderPyproject } from "./render-pyproject.js";
import { convertIndexes, type PoetrySourceRecord, splitDirectReference } from "./sources.js";
import type { FileChange, MigrationPlan, TargetProject, UvSource } from "./types.js";

export function planMigration(input: MigrationInput): MigrationPlan {
  const detection = detectSource(input.files, input.manifests, input.pyprojectText, input.from);
  const source = detection.source;
  const selected = selectManifests(source, input.manifests);
  if (selected.every((m) => m.kind === "python-pins")) {
    throw new DhtlError("badInput", `--from ${source}: the project has no ${source} manifest`, {
      hint: "Drop --from to detect the format, or name the one the project uses.",
    });
  }
  const model = mergeManifests(selected, resolvePythonVersion(selected.flatMap((m) => m.python)));
  const pyprojectDoc = input.pyprojectText ? parseToml(input.pyprojectText, "pyproject.toml") : {};
  const poetry = source === "poetry" ? tableAt(pyprojectDoc, ["tool", "poetry"]) : null;
  const review: string[] = [];
  const notes: string[] = [];

  const name = projectName(model.name, input.directoryName, notes);
  const version = model.version ?? "0.1.0";
  if (model.version === null) notes.push('no version was declared: wrote version = "0.1.0"');

  const poetrySources = selected.find((m) => m.file === "pyproject.toml")?.details.pyproject?.sources ?? {};
  const pipenvIndexes = selected.find((m) => m.kind === "pipfile")?.details.pipfile?.packageIndexes ?? {};
  const sources: Record<string, UvSource> = {};
  const convert = (requirements: string[]): string[] =>
    requirements.map((requirement) => {
      const parsedName = tryParseRequirement(requirement)?.name ?? "";
      const poetryRecord = tableOrNull(poetrySources[parsedName]) ?? pipenvRecord(pipenvIndexes[parsedName]);
      const split = splitDirectReference(requirement, poetryRecord);
      if (split.problem) review.push(split.problem);
      if (split.source) {
        const key = normalizeName(split.name);
        const previous = sources[key];
        if (previous && JSON.stringify(previous) !== JSON.stringify(split.source)) {
          review.push(`${split.name}: several sources were declared; kept ${JSON.stringify(split.source)}`);
        }
        sources[key] = split.source;
      }
      return split.requirement;
    });

  const dependencies = convert(model.dependencies);
  const optionalDependencies = mapValues(model.optionalDependencies, convert);
  const dependencyGroups: Record<string, string[]> = {};
  for (const [group, list] of Object.entries(model.dependencyGroups)) {
    const key = normalizeName(group);
    dependencyGroups[key] = [...(dependencyGroups[key] ?? []), ...convert(list)];
  }
  const constraints = convert(model.constraints);

  const referencedIndexes = new Set(
    Object.values(sources)
      .map((s) => s.index)
      .filter((i): i is string => typeof i === "string"),
  );
  const { indexes, notes: indexNotes } = convertIndexes(model.indexes, referencedIndexes);
  notes.push(...indexNotes);
  for (const index of referencedIndexes) {
    if (!indexes.some((i) => i.name === index))
      review.push(`a dependency names index "${index}", which is not declared`);
  }

  const python = requiresPython(source, selected, model.requiresPython, pyprojectDoc, notes);
  const build = decideBuild({
    source,
    projectName: name,
    poetry,
    buildRequires: model.buildSystem?.requires ?? [],
    setuptools: {
      packages: selected.find((m) => m.details.setuptools?.packages !== undefined)?.details.setuptools
        ?.packages,
      packageDir: selected.find((m) => m.details.setuptools?.packageDir !== undefined)?.details.setuptools
        ?.packageDir,
    },
    directories: input.directories,
    files: input.files,
  });
  if (build.backend === "hatchling.build" && !/finds/.test(build.reason)) {
    review.push(
      `hatchling will not find the package of "${name}" (no src/${moduleName(name)}/ or ${moduleName(name)}/): add [tool.hatch.build.targets.wheel] packages`,
    );
  }

  // setup.py values the static reading could not settle are left to setup.py itself, named in `dynamic`.
  const dynamic = source === "setuptools" ? computedSetupFields(selected) : [];
  if (dynamic.length > 0) {
    notes.push(
      `dynamic = ${JSON.stringify(dynamic)}: setup.py computes them, so setuptools keeps asking it (uv runs it to lock)`,
    );
  }
  const project: TargetProject = {
    name,
    dynamic,
    version,
    description: stringAt(poetry, "description") ?? null,
    readme: poetryReadme(poetry),
    license: stringAt(poetry, "license") ?? null,
    authors: poetryAuthors(poetry),
    keywords: stringsAt(poetry, "keywords"),
    classifiers: poetryClassifiers(
      poetry,
      python.requiresPython,
      tableAt(pyprojectDoc, ["project"]) !== null,
    ),
    urls: poetryUrls(poetry),
    requiresPython: python.requiresPython,
    dependencies,
    optionalDependencies,
    scripts: model.scripts,
    dependencyGroups,
    defaultGroups: defaultGroups(poetry),
    constraints,
    sources: sortRecord(sources),
    indexes,
  };

  review.push(...reviewItems(selected));
  const rendered = renderPyproject(input.pyprojectText, project, build, source);
  for (const key of rendered.leftPoetryKeys)
    notes.push(`[tool.poetry] ${key} left as is: dhtl does not migrate it`);
  const changes: FileChange[] = [];
  if (rendered.text !== input.pyprojectText) {
    changes.push({ path: "pyproject.toml", before: input.pyprojectText, after: rendered.text });
  }
  if (python.pin && !input.files.includes(".python-version")) {
    changes.push({ path: ".python-version", before: null, after: `${python.pin}\n` });
    notes.push(`.python-version pins Python ${python.pin}, as ${python.pinFrom} did`);
  }

  return {
    source,
    detectedBecause: detection.because,
    project,
    build,
    changes,
    oldFiles: oldFilesOf(source, selected, input.files, review),
    oldLock: input.oldLock,
    review: [...new Set(review)],
    notes,
    condaOnly: model.nonPythonPackages.map((p) => ({
      name: p.name,
      spec: p.spec,
      what: condaOnlyAdvice(p.name),
    })),
  };
}

/** The manifests a migration from `source` reads; the others stay as they are. */
export function selectManifests(source: SourceKind, manifests: ManifestFacts[]): ManifestFacts[] {
  const pins = manifests.filter((m) => m.kind === "python-pins");
  switch (source) {
    case "poetry":
      return [...manifests.filter((m) => m.file === "pyproject.toml"), ...pins];
    case "pipenv":
      return [...manifests.filter((m) => m.kind === "pipfile" || m.kind === "pipfile.lock"), ...pins];
    case "conda":
      return [...manifests.filter((m) => m.kind === "conda"), ...pins];
    case "setuptools":
      // setup.py/setup.cfg say what the package needs; requirements files add the dev/test groups.
      return [
        ...manifests.filter((m) => m.kind === "setup.py" || m.kind === "setup.cfg"),
        ...manifests.filter((m) => m.kind === "requirements").map(groupsOnly),
        ...pins,
      ];
    case "pip":
      return [...manifests.filter((m) => m.kind === "requirements"), ...pins];
  }
}

/** A requirements file of a setuptools project: its groups and constraints count, its pins only as a lock. */
function groupsOnly(manifest: ManifestFacts): ManifestFacts {
  return { ...manifest, dependencies: [], indexes: manifest.indexes };
}

function projectName(found: string | null, directory: string, notes: string[]): string {
  if (found) return found;
  const fromDir = normalizeName(directory.replace(/[^A-Za-z0-9._-]+/g, "-")).replace(/^[-_.]+|[-_.]+$/g, "");
  const name = isValidDistributionName(fromDir) ? fromDir : "app";
  notes.push(`no project name was declared: named it "${name}" after the folder`);
  return name;
}

interface PythonDecision {
  requiresPython: string | null;
  /** `X.Y` pin for .python-version, when the old tool pinned one and the project has none. */
  pin: string | null;
  pinFrom: string;
}

function requiresPython(
  source: SourceKind,
  manifests: ManifestFacts[],
  range: string | null,
  pyproject: Table,
  notes: string[],
): PythonDecision {
  const existing = stringAt(tableAt(pyproject, ["project"]), "requires-python");
  if (existing) return { requiresPython: existing, pin: null, pinFrom: "" };
  if (source === "poetry") {
    const converted = manifests.find((m) => m.file === "pyproject.toml")?.details.pyproject
      ?.poetryPythonPep440;
    if (typeof converted === "string" && converted !== "")
      return { requiresPython: converted, pin: null, pinFrom: "" };
  } else if (range) {
    return { requiresPython: range, pin: null, pinFrom: "" };
  }
  const pinSource = manifests
    .flatMap((m) => m.python)
    .find((p: PythonVersionSource) =>
      /Pipfile requires|environment\.yml python|\.python-version/.test(p.source),
    );
  const minor = pinSource ? /^(\d+)\.(\d+)/.exec(pinSource.value) : null;
  if (pinSource && minor) {
    const version = `${minor[1]}.${minor[2]}`;
    notes.push(
      `requires-python = ">=${version}" from ${pinSource.file} (${pinSource.source} = ${pinSource.value})`,
    );
    const isPinFile = pinSource.source === ".python-version";
    return { requiresPython: `>=${version}`, pin: isPinFile ? null : version, pinFrom: pinSource.file };
  }
  notes.push("no Python version was declared: requires-python left out (uv uses the interpreter it finds)");
  return { requiresPython: null, pin: null, pinFrom: "" };
}

/**
 * Poetry installs every non-optional group by default; uv installs only `dev`, so the others are listed in
 * `default-groups` (and an optional `dev` group is kept out). Read from `[tool.poetry.group]` itself, so a
 * second run over an already migrated file does not take every group for a default one.
 */
function defaultGroups(poetry: Table | null): string[] | null {
  if (!poetry) return null;
  const groups = tableAt(poetry, ["group"]) ?? {};
  const optional = (body: unknown) => tableOrNull(body)?.optional === true;
  const wanted = new Set(
    Object.entries(groups)
      .filter(([, body]) => !optional(body))
      .map(([group]) => normalizeName(group)),
  );
  if (poetry["dev-dependencies"] !== undefined) wanted.add("dev");
  const devIsOptional = Object.entries(groups).some(
    ([g, body]) => normalizeName(g) === "dev" && optional(body),
  );
  const list = [...wanted].sort();
  if (!devIsOptional && (list.length === 0 || (list.length === 1 && list[0] === "dev"))) return null;
  return list;
}

/** setup() keywords → the [project] fields they fill. */
const SETUP_FIELDS: Record<string, string> = {
  version: "version",
  install_requires: "dependencies",
  extras_require: "optional-dependencies",
  python_requires: "requires-python",
  entry_points: "scripts",
  description: "description",
};

/** [project] fields whose setup.py/setup.cfg value is computed (a "review" diagnostic names the keyword first). */
function computedSetupFields(manifests: ManifestFacts[]): string[] {
  const fields = new Set<string>();
  for (const manifest of manifests) {
    if (manifest.kind !== "setup.py" && manifest.kind !== "setup.cfg") continue;
    for (const d of manifest.diagnostics) {
      if (d.severity !== "review") continue;
      const field = SETUP_FIELDS[/^(\w+)/.exec(d.message)?.[1] ?? ""];
      if (field) fields.add(field);
    }
  }
  return [...fields].sort();
}

/** "review" and "error" diagnostics of the files being migrated: never guessed, always listed. */
function reviewItems(manifests: ManifestFacts[]): string[] {
  const out: string[] = [];
  for (const manifest of manifests) {
    for (const d of manifest.diagnostics) {
      if (d.severity === "review" || d.severity === "error")
        out.push(`${d.file}${d.line ? `:${d.line}` : ""}: ${d.message}`);
    }
    const localPaths = [
      ...(manifest.details.pip?.localPaths ?? []),
      ...(manifest.details.pipfile?.localPaths ?? []),
    ];
    for (const local of localPaths) {
      out.push(
        `${local.file}${local.line ? `:${local.line}` : ""}: local path ${local.path} is not migrated; add it with \`uv add ${local.editable ? "--editable " : ""}${local.path}\``,
      );
    }
  }
  return out;
}

/** Files the migrated project no longer reads. setup.py stays when it still has work to do. */
function oldFilesOf(
  source: SourceKind,
  manifests: ManifestFacts[],
  files: string[],
  review: string[],
): string[] {
  const present = (names: string[]) => names.filter((f) => files.includes(f));
  switch (source) {
    case "poetry":
      return present(["poetry.lock", "poetry.toml"]);
    case "pipenv":
      return present(["Pipfile", "Pipfile.lock"]);
    case "conda":
      return present(["environment.yml", "environment.yaml", "conda-lock.yml"]);
    case "pip":
      return files.filter(isRequirementsFile);
    case "setuptools": {
      // The main requirements file of a package pins a deployment: uv.lock replaces it too.
      const out = files.filter(isRequirementsFile);
      const setupPyNeedsReview = review.some((r) => r.startsWith("setup.py"));
      const setupCfg = manifests.find((m) => m.kind === "setup.cfg");
      const cfgHasTools = (setupCfg?.details.setupCfg?.toolSections ?? []).length > 0;
      if (files.includes("setup.py") && !setupPyNeedsReview) out.push("setup.py");
      if (setupCfg && !cfgHasTools) out.push("setup.cfg");
      return out.sort();
    }
  }
}

/**
 * Old pins the new lock should try to keep: those a direct requirement still allows and that do not come
 * from a git/path/url source. A pin a requirement now excludes would only make uv fail.
 */
/** Normalised names of every requirement the project lists itself. */
export function directNames(project: TargetProject): Set<string> {
  const names = new Set<string>();
  for (const requirement of allRequirements(project)) {
    const parsed = tryParseRequirement(requirement);
    if (parsed) names.add(normalizeName(parsed.name));
  }
  return names;
}

function allRequirements(project: TargetProject): string[] {
  return [
    ...project.dependencies,
    ...Object.values(project.optionalDependencies).flat(),
    ...Object.values(project.dependencyGroups).flat(),
    ...project.constraints,
  ];
}

export function pinsWorthKeeping(pins: MigrationInput["oldLock"], project: TargetProject) {
  const direct = new Map<string, string[]>();
  for (const requirement of allRequirements(project)) {
    const parsed = tryParseRequirement(requirement);
    if (!parsed) continue;
    const key = normalizeName(parsed.name);
    direct.set(key, [...(direct.get(key) ?? []), parsed.specifier]);
  }
  return pins.filter((pin) => {
    if (project.sources[pin.name] && !project.sources[pin.name]?.index) return false;
    const specifiers = direct.get(pin.name) ?? [];
    return specifiers.every((s) => s === "" || specifierAllows(s, pin.version, { prereleases: true }));
  });
}

function pipenvRecord(index: string | undefined): PoetrySourceRecord | undefined {
  return index ? { index } : undefined;
}

function poetryReadme(poetry: Table | null): string | null {
  const readme = poetry?.readme;
  if (typeof readme === "string") return readme;
  if (Array.isArray(readme) && typeof readme[0] === "string") return readme[0];
  return null;
}

/** `"Name <email>"` → `{ name, email }`. */
function poetryAuthors(poetry: Table | null): TargetProject["authors"] {
  return stringsAt(poetry, "authors").map((author) => {
    const match = /^\s*(.*?)\s*<([^>]+)>\s*$/.exec(author);
    if (!match) return { name: author.trim() };
    return match[1] ? { name: match[1], email: match[2] ?? "" } : { email: match[2] ?? "" };
  });
}

/** Python minors Poetry knows when it writes classifiers itself. */
const PYTHON_MINORS = Array.from({ length: 11 }, (_, i) => `3.${i + 4}`);

/**
 * Poetry 1.x adds "Programming Language :: Python :: 3.x" classifiers at build time for every minor its
 * `python` constraint allows; a static [project] table gets no such help, so they are written out to keep
 * the published metadata the same. (Poetry 2 projects that already have [project] never had them added.)
 */
function poetryClassifiers(
  poetry: Table | null,
  requiresPython: string | null,
  hadProject: boolean,
): string[] {
  const declared = stringsAt(poetry, "classifiers");
  if (!poetry || hadProject || requiresPython === null) return declared;
  const allows = (minor: string) =>
    specifierAllows(requiresPython, minor, { prereleases: true }) ||
    specifierAllows(requiresPython, `${minor}.99`, { prereleases: true });
  const minors = PYTHON_MINORS.filter(allows);
  if (minors.length === 0) return declared;
  const auto = ["3", ...minors].map((v) => `Programming Language :: Python :: ${v}`);
  return [...declared, ...auto.filter((c) => !declared.includes(c))];
}

function poetryUrls(poetry: Table | null): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const key of ["homepage", "repository", "documentation"]) {
    const value = stringAt(poetry, key);
    if (value) urls[key[0]!.toUpperCase() + key.slice(1)] = value;
  }
  const extra = poetry?.urls;
  if (extra && typeof extra === "object" && !Array.isArray(extra)) {
    for (const [key, value] of Object.entries(extra)) if (typeof value === "string") urls[key] = value;
  }
  return urls;
}

function moduleName(name: string): string {
  return name.toLowerCase().replace(/[-.]+/g, "_");
}

function stringAt(table: Table | null, key: string): string | undefined {
  const value = table?.[key];
  return typeof value === "string" ? value : undefined;
}

function stringsAt(table: Table | null, key: string): string[] {
  const value = table?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function mapValues<T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, f(v)]));
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
