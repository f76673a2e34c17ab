/**
 * The pure planner of `dhtl migrate`: from what was read (MigrationInput) to the files to write and
 * everything a person should know (MigrationPlan). No disk, no processes: tests check plans directly.
 */

import { compareText } from "../../core/compare.js";
import { DhtlError } from "../../core/errors.js";
import { CONDA_ENVIRONMENT_FILES, MLPROJECT } from "../../facts/manifests/conda/index.js";
import { isRequirementsFile } from "../../facts/manifests/requirements/index.js";
import { TOX_GROUP } from "../../facts/manifests/tox/index.js";
import type { ManifestFacts } from "../../facts/manifests/types.js";
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
import { manifestWithBackend } from "./editable-backend.js";
import { expectedGroups, withTestExtra, withToxDeps } from "./groups.js";
import { decidePython } from "./python.js";
import { renderPyproject } from "./render-pyproject.js";
import { setuptoolsDynamic } from "./setuptools-metadata.js";
import { convertIndexes, type PoetrySourceRecord, splitDirectReference } from "./sources.js";
import type {
  BuildDecision,
  BuildToolsAsOf,
  ChosenPython,
  FileChange,
  MigrationPlan,
  TargetProject,
  UvSource,
} from "./types.js";

export interface PlanOptions {
  /** The interpreter chosen for a project that names none (a first plan says `pythonUnstated`). */
  python?: ChosenPython | null;
  /** Build with the old lock's build tools (its sdists fail with today's): the workflow's second plan. */
  buildTools?: BuildToolsAsOf;
}

export function planMigration(input: MigrationInput, options: PlanOptions = {}): MigrationPlan {
  const detection = detectSource(input.files, input.manifests, input.pyprojectText, input.from);
  const source = detection.source;
  const selected = selectManifests(source, input.manifests);
  if (selected.every((m) => m.kind === "python-pins")) {
    throw new DhtlError("badInput", `--from ${source}: the project has no ${source} manifest`, {
      hint: "Drop --from to detect the format, or name the one the project uses.",
    });
  }
  const model = mergeManifests(selected, resolvePythonVersion(selected.flatMap((m) => m.python)));
  // setup.py/setup.cfg beside a Pipfile, requirements or environment.yml describe the package itself.
  const setupManifests = packageManifests(source, input.manifests, selected);
  const packageModel =
    source !== "setuptools" && setupManifests.length > 0 ? mergeManifests(setupManifests) : null;
  const setuptoolsPackage = source === "setuptools" || packageModel !== null;
  const metadata = packageModel ?? model;
  const pyprojectDoc = input.pyprojectText ? parseToml(input.pyprojectText, "pyproject.toml") : {};
  const poetry = source === "poetry" ? tableAt(pyprojectDoc, ["tool", "poetry"]) : null;
  const review: string[] = [];
  const notes: string[] = [];
  if (packageModel) {
    notes.push(
      `${setupManifests.map((m) => m.file).join(" and ")} ${setupManifests.length > 1 ? "describe" : "describes"} the package: name, version, requires-python, dependencies and scripts come from there`,
    );
  }

  const unreadable = setupManifests.find((m) => m.details.setuptools?.keywords?.includes("**"));
  if (unreadable) {
    // Its name, version and every other field are computed: any [project] table would change the package.
    throw new DhtlError("badInput", "setup() gets its metadata through setup(**…), which dhtl does not run", {
      file: unreadable.file,
      hint: "Write the setup() keywords out (or move them to setup.cfg), then run `dhtl migrate` again.",
    });
  }
  const name = projectName(metadata.name, input.directoryName, notes, directNamesOf(metadata));
  const version = metadata.version ?? "0.1.0";
  if (metadata.version === null && !setuptoolsPackage)
    notes.push('no version was declared: wrote version = "0.1.0"');

  const poetrySources = selected.find((m) => m.file === "pyproject.toml")?.details.pyproject?.sources ?? {};
  const pipenvIndexes = selected.find((m) => m.kind === "pipfile")?.details.pipfile?.packageIndexes ?? {};
  const lockedRefs = lockedVcsRefs(selected);
  const sources: Record<string, UvSource> = {};
  const convert = (requirements: string[]): string[] =>
    requirements.map((requirement) => {
      const parsedName = tryParseRequirement(requirement)?.name ?? "";
      const poetryRecord = tableOrNull(poetrySources[parsedName]) ?? pipenvRecord(pipenvIndexes[parsedName]);
      const split = splitDirectReference(requirement, poetryRecord);
      if (split.problem) review.push(split.problem);
      const lockedRef = lockedRefs.get(normalizeName(split.name));
      if (split.source?.git && lockedRef && split.source.rev !== lockedRef) {
        // The lock's commit, not the branch or tag the Pipfile names: the same code as before the migration.
        const { tag: _tag, branch: _branch, ...rest } = split.source;
        split.source = { ...rest, rev: lockedRef };
        notes.push(`${split.name}: kept at commit ${lockedRef} as Pipfile.lock locked it`);
      }
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

  const dependencies = convert(metadata.dependencies);
  const optionalDependencies = mapValues(metadata.optionalDependencies, convert);
  const dependencyGroups: Record<string, string[]> = {};
  const groupSources = packageModel
    ? [packageModel.dependencyGroups, model.dependencyGroups]
    : [model.dependencyGroups];
  for (const [group, list] of groupSources.flatMap((groups) => Object.entries(groups))) {
    const key = normalizeName(group);
    dependencyGroups[key] = [...new Set([...(dependencyGroups[key] ?? []), ...convert(list)])];
  }
  // What the Pipfile/requirements install beside the package goes to a group `uv sync` installs too.
  const mainGroup = setuptoolsPackage ? MAIN_GROUP[source] : null;
  if (mainGroup) {
    // A setup.py project's requirements.txt: what it adds beyond the package's own dependencies (its pins of
    // those stay only as lock pins) is the development environment, e.g. starlette's test tools.
    const mainList =
      source === "setuptools"
        ? mergeManifests(input.manifests.filter((m) => m.kind === "requirements")).dependencies
        : model.dependencies;
    const ownNames = new Set(
      dependencies
        .map((r) => tryParseRequirement(r)?.name)
        .filter((n) => n !== undefined)
        .map(normalizeName),
    );
    const rest = convert(mainList).filter((r) => {
      const parsed = tryParseRequirement(r);
      return (
        parsed !== null &&
        !ownNames.has(normalizeName(parsed.name)) &&
        normalizeName(parsed.name) !== normalizeName(name)
      );
    });
    if (rest.length > 0) {
      dependencyGroups[mainGroup] = rest;
      notes.push(
        `the ${source} dependencies that are not the package's own (${rest.length}) went to the group "${mainGroup}", installed by default`,
      );
    }
  }
  const constraints = convert(model.constraints);
  const ownGroups = setuptoolsPackage
    ? withTestExtra(name, dependencyGroups, optionalDependencies, notes)
    : dependencyGroups;
  const groups = withToxDeps(name, ownGroups, toxTestDependencies(input.manifests, convert), notes);

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

  const python = decidePython({
    source,
    manifests: [...selected, ...(packageModel ? setupManifests : [])],
    range: metadata.requiresPython,
    pyproject: pyprojectDoc,
    isPackage: setuptoolsPackage,
    hasPythonVersionFile: input.files.includes(".python-version"),
    hints: input.pythonHints ?? [],
    chosen: options.python ?? null,
    notes,
  });
  const existingBuild = tableAt(pyprojectDoc, ["build-system"]);
  const build = decideBuild({
    source,
    projectName: name,
    poetry,
    buildRequires: metadata.buildSystem?.requires ?? [],
    directories: input.directories,
    files: input.files,
    existing: existingBuild
      ? {
          backend: stringAt(existingBuild, "build-backend") ?? null,
          requires: stringsAt(existingBuild, "requires"),
        }
      : null,
    setuptoolsPackage,
    setupPyLocalImports: input.setupPyLocalImports ?? [],
    // A pin dhtl chose from classifiers/CI bounds the lock only: the wheel still installs on older Pythons.
    supportsPython36: allowsPython36(metadata.requiresPython, python.pinStated ? python.pin : null),
    editableOn36: statesPython36(metadata.requiresPython, python.pin),
    oldBuildTools: options.buildTools !== undefined,
  });
  const { buildTools } = options;
  if (buildTools) {
    notes.push(
      `setuptools and wheel are held to the old lock's time in [tool.uv] exclude-newer-package (${buildTools.why}): its sdists no longer build with today's, and \`uv sync\` builds them the same way; Python ${buildTools.python} runs them`,
    );
    if (!python.pin && !input.files.includes(".python-version")) {
      python.pin = buildTools.python;
      python.pinFrom = "the Python the old lock's build tools run on";
    }
  }
  if (build.inTreeBackend) {
    // uv 0.13 has no pyproject setting to install the project itself non-editable (only the flag).
    notes.push(
      `${build.inTreeBackend.file} is setuptools' backend plus editable installs on Python 3.6 (no setuptools there has PEP 660's build_editable): \`uv sync\` installs the project there too; wheels and sdists are setuptools' own (MANIFEST.in ships the module in the sdist)`,
    );
  }

  // What setup.py/setup.cfg say that dhtl does not write statically stays theirs: named in `dynamic`, so
  // setuptools still takes it from them (without, it would drop long_description, author … or fail).
  const dynamic = setuptoolsPackage
    ? setuptoolsDynamic(setupManifests, {
        version: metadata.version !== null,
        requiresPython: python.requiresPython !== null && metadata.requiresPython !== null,
        // Old setuptools took a bare marker as an extras_require key (httpie 2019); [project] cannot.
        extras: Object.keys(optionalDependencies).every(isValidExtraName),
      })
    : [];
  if (dynamic.length > 0) {
    notes.push(
      `dynamic = ${JSON.stringify(dynamic)}: setup.py/setup.cfg say them (or compute them), so setuptools keeps reading them there`,
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
    requiresPython: dynamic.includes("requires-python") ? null : python.requiresPython,
    dependencies,
    optionalDependencies,
    scripts: metadata.scripts,
    dependencyGroups: groups,
    defaultGroups: poetry
      ? withDev(defaultGroups(poetry), groups !== ownGroups)
      : expectedGroups(groups, mainGroup, notes),
    environments: python3Only(metadata.requiresPython ?? python.requiresPython, notes),
    ...(build.uvPackage === false ? { package: false as const } : {}),
    constraints,
    excludeNewerPackage: buildTools?.packages ?? null,
    sources: sortRecord(sources),
    indexes,
  };

  review.push(...reviewItems([...selected, ...(packageModel ? setupManifests : [])], setuptoolsPackage));
  const rendered = renderPyproject(input.pyprojectText, project, build, source);
  for (const key of rendered.leftPoetryKeys)
    notes.push(`[tool.poetry] ${key} left as is: dhtl does not migrate it`);
  const changes: FileChange[] = [];
  if (rendered.text !== input.pyprojectText) {
    changes.push({ path: "pyproject.toml", before: input.pyprojectText, after: rendered.text });
  }
  changes.push(...inTreeBackendChanges(build, input.buildFiles ?? {}));
  if (python.pin && !input.files.includes(".python-version")) {
    changes.push({ path: ".python-version", before: null, after: `${python.pin}\n` });
    notes.push(`.python-version pins Python ${python.pin}, ${python.pinFrom}`);
  }

  return {
    source,
    detectedBecause: detection.because,
    project,
    build,
    changes,
    oldFiles: oldFilesOf(source, [...selected, ...setupManifests], input.files, setuptoolsPackage),
    oldLock: input.oldLock,
    review: [...new Set(review)],
    notes,
    condaOnly: model.nonPythonPackages.map((p) => ({
      name: p.name,
      spec: p.spec,
      what: condaOnlyAdvice(p.name),
    })),
    pythonUnstated: python.unstated,
    asOf: null,
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

/**
 * A range that still allows Python 2 (`>=2.7, !=3.0.*`) would make uv lock for Python 2 too, whose backports
 * (functools32, futures …) no longer build: the lock is made for Python 3 only, and the metadata keeps the range.
 */
function python3Only(range: string | null, notes: string[]): string[] | null {
  if (range === null || !specifierAllows(range, "2.7.18", { prereleases: true })) return null;
  // The oldest Python 3 the range allows: `!=3.0.*, !=3.1.*` must not let 3.0 back in through the marker.
  const minor = Array.from({ length: 20 }, (_, i) => `3.${i}`).find((m) =>
    specifierAllows(range, `${m}.99`, { prereleases: true }),
  );
  if (!minor) return null;
  notes.push(
    `requires-python "${range}" allows Python 2: [tool.uv] environments locks for Python ${minor}+ only`,
  );
  return [`python_full_version >= '${minor}'`];
}

function isValidExtraName(name: string): boolean {
  return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
}

/** The in-tree backend module and the MANIFEST.in line that ships it in the sdist (editable-backend.ts). */
function inTreeBackendChanges(build: BuildDecision, texts: Record<string, string | null>): FileChange[] {
  if (!build.inTreeBackend) return [];
  const { file, text } = build.inTreeBackend;
  const changes: FileChange[] = [];
  const module = texts[file] ?? null;
  if (module !== text) changes.push({ path: file, before: module, after: text });
  const manifest = texts["MANIFEST.in"] ?? null;
  const withBackend = manifestWithBackend(manifest);
  if (withBackend !== null) changes.push({ path: "MANIFEST.in", before: manifest, after: withBackend });
  return changes;
}

/** True when neither the range nor the pin rules out Python 3.6 (the last Python setuptools 61 lacks). */
function allowsPython36(range: string | null, pin: string | null): boolean {
  if (pin !== null) return /^3\.[0-6]$|^2\./.test(pin);
  return range === null || specifierAllows(range, "3.6.15", { prereleases: true });
}

/** True when the project itself says Python 3.6 is one of its Pythons (its range or pin), not by silence. */
function statesPython36(range: string | null, pin: string | null): boolean {
  if (pin !== null) return pin === "3.6";
  return range !== null && specifierAllows(range, "3.6.15", { prereleases: true });
}

/** Pipfile.lock's commits of git packages, by normalised name. */
function lockedVcsRefs(manifests: ManifestFacts[]): Map<string, string> {
  const refs = new Map<string, string>();
  for (const manifest of manifests) {
    for (const [name, ref] of Object.entries(manifest.details.pipfile?.lockedVcsRefs ?? {}))
      refs.set(normalizeName(name), ref);
  }
  return refs;
}

/** tox's own files, in the order tox looks for its configuration. */
const TOX_FILES = ["tox.ini", "setup.cfg", "pyproject.toml"];

/** The deps of tox's default test environment, from the file tox reads (converted like the rest). */
function toxTestDependencies(
  manifests: ManifestFacts[],
  convert: (requirements: string[]) => string[],
): { file: string; requirements: string[] } | null {
  const tox = TOX_FILES.map((file) => manifests.find((m) => m.kind === "tox" && m.file === file)).find(
    (m) => m !== undefined,
  );
  const deps = tox?.dependencyGroups[TOX_GROUP] ?? [];
  return tox && deps.length > 0
    ? { file: tox.file, requirements: convert(deps.map((d) => d.requirement)) }
    : null;
}

/** The group that holds a Pipfile's or requirements' own list beside a package described by setup.py. */
const MAIN_GROUP: Record<SourceKind, string | null> = {
  pip: "requirements",
  pipenv: "pipfile",
  conda: "environment",
  poetry: null,
  setuptools: "requirements",
};

/** setup.py/setup.cfg that describe the package (with a name), for every source but Poetry. */
function packageManifests(
  source: SourceKind,
  manifests: ManifestFacts[],
  selected: ManifestFacts[],
): ManifestFacts[] {
  if (source === "poetry") return [];
  const pool = source === "setuptools" ? selected : manifests;
  const setup = pool.filter(
    (m) => (m.kind === "setup.py" || m.kind === "setup.cfg") && m.packageManager === "setuptools",
  );
  return source === "setuptools" || setup.some((m) => m.name !== null) ? setup : [];
}

/** A requirements file of a setuptools project: its groups and constraints count, its pins only as a lock. */
function groupsOnly(manifest: ManifestFacts): ManifestFacts {
  return { ...manifest, dependencies: [], indexes: manifest.indexes };
}

function projectName(found: string | null, directory: string, notes: string[], taken: Set<string>): string {
  if (found) return found;
  const fromDir = normalizeName(directory.replace(/[^A-Za-z0-9._-]+/g, "-")).replace(/^[-_.]+|[-_.]+$/g, "");
  const valid = isValidDistributionName(fromDir) ? fromDir : "app";
  // A folder named like a dependency (`mlflow/` needing mlflow) would make the project depend on itself.
  const name = taken.has(valid) ? `${valid}-project` : valid;
  notes.push(`no project name was declared: named it "${name}" after the folder`);
  return name;
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

/** Poetry's default groups, plus `dev` when tox's test dependencies were added there. */
function withDev(list: string[] | null, addDev: boolean): string[] | null {
  return list === null || !addDev || list.includes("dev") ? list : [...list, "dev"].sort();
}

/** "review" and "error" diagnostics of the files being migrated: never guessed, always listed. */
function reviewItems(manifests: ManifestFacts[], isPackage: boolean): string[] {
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
      // `-e .` / `path = "."` installs the package itself: the migrated project is that package.
      if (isPackage && /^\.\/?$/.test(local.path)) continue;
      out.push(
        `${local.file}${local.line ? `:${local.line}` : ""}: local path ${local.path} is not migrated; add it with \`uv add ${local.editable ? "--editable " : ""}${local.path}\``,
      );
    }
  }
  return out;
}

/**
 * Files the migrated project no longer reads. setup.py and setup.cfg stay while setuptools builds the
 * package (it runs setup.py and reads setup.cfg whenever they exist), and so does every file they read
 * (a requirements.txt that setup.py opens, setup.cfg `file:` targets): `--remove-old` never breaks a build.
 */
function oldFilesOf(
  source: SourceKind,
  manifests: ManifestFacts[],
  files: string[],
  setuptoolsPackage: boolean,
): string[] {
  const stillRead = new Set(
    setuptoolsPackage
      ? manifests
          .filter((m) => m.kind === "setup.py" || m.kind === "setup.cfg")
          .flatMap((m) => [m.file, ...m.includedFiles])
      : [],
  );
  return oldFilesFor(source, files).filter((f) => !stillRead.has(f));
}

function oldFilesFor(source: SourceKind, files: string[]): string[] {
  const present = (names: string[]) => names.filter((f) => files.includes(f));
  switch (source) {
    case "poetry":
      return present(["poetry.lock", "poetry.toml"]);
    case "pipenv":
      return present(["Pipfile", "Pipfile.lock"]);
    case "conda":
      // Beside an MLflow `MLproject`, `mlflow run` still reads the environment file: it stays.
      return files.includes(MLPROJECT) ? [] : present([...CONDA_ENVIRONMENT_FILES, "conda-lock.yml"]);
    case "pip":
      return files.filter(isRequirementsFile);
    case "setuptools":
      // The main requirements file of a package pins a deployment: uv.lock replaces it too.
      return files.filter(isRequirementsFile);
  }
}

/**
 * Old pins the new lock should try to keep: those a direct requirement still allows and that do not come
 * from a git/path/url source. A pin a requirement now excludes would only make uv fail.
 */
/** Normalised names of a merged model's requirements (dependencies, extras, groups). */
function directNamesOf(model: {
  dependencies: string[];
  optionalDependencies: Record<string, string[]>;
  dependencyGroups: Record<string, string[]>;
}): Set<string> {
  const all = [
    model.dependencies,
    ...Object.values(model.optionalDependencies),
    ...Object.values(model.dependencyGroups),
  ].flat();
  return new Set(
    all
      .map((r) => tryParseRequirement(r)?.name)
      .filter((n): n is string => n !== undefined)
      .map(normalizeName),
  );
}

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
  const self = normalizeName(project.name);
  return pins.filter((pin) => {
    // The project itself (Pipfile.lock pins `requests` in requests' own repository): uv builds it, never pins it.
    if (pin.name === self) return false;
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
