import { compareText, compareTextIgnoringCase } from "../core/compare.js";
import type { Dependency, ManifestFacts, PackageManager, PythonVersionSource } from "./manifests/types.js";
import { readStatement, resolvePythonVersion } from "./python-version.js";
import type { ProjectModel, PythonFacts } from "./types.js";

/**
 * Which manifest speaks first when several say the same thing: the standard and tool-specific project
 * tables, then the legacy setuptools files, then environment-level lists.
 */
const KIND_PRECEDENCE = [
  "pep621",
  "poetry",
  "pdm",
  "flit",
  "hatch",
  "uv",
  "setuptools",
  "setup.cfg",
  "setup.py",
  "pipfile",
  "pipfile.lock",
  "requirements",
  "conda",
  "python-pins",
];

const MANAGER_PRECEDENCE: PackageManager[] = [
  "uv",
  "poetry",
  "pdm",
  "pipenv",
  "hatch",
  "flit",
  "conda",
  "setuptools",
  "pip",
];

/** Python sources that state a range the project supports, as opposed to a pin for this checkout. */
export const RANGE_SOURCES = new Set([
  "requires-python",
  "python_requires",
  "tool.poetry.dependencies.python",
]);

function rank(kind: string): number {
  // A reader may report several dialects in one kind (`pyproject:pep621+uv`): the best of them counts.
  const dialects = kind.replace(/^pyproject:/, "").split("+");
  const ranks = dialects.map((part) => KIND_PRECEDENCE.indexOf(part));
  const known = ranks.filter((r) => r >= 0);
  return known.length ? Math.min(...known) : KIND_PRECEDENCE.length;
}

/** Merges every manifest into one model; each value remembers the file it came from (`provenance`). */
export function mergeManifests(
  manifests: ManifestFacts[],
  python: PythonFacts = resolvePythonVersion(manifests.flatMap((m) => m.python)),
): ProjectModel {
  const ordered = [...manifests].sort(
    (a, b) => rank(a.kind) - rank(b.kind) || compareTextIgnoringCase(a.file, b.file),
  );
  const provenance: Record<string, string> = {};
  const first = <T>(field: string, pick: (m: ManifestFacts) => T | null | undefined): T | null => {
    for (const manifest of ordered) {
      const value = pick(manifest);
      if (value !== null && value !== undefined) {
        provenance[field] = manifest.file;
        return value;
      }
    }
    return null;
  };

  const name = first("name", (m) => m.name?.value);
  const version = first("version", (m) => m.version?.value);
  const buildSystem = first("buildSystem", (m) => m.buildSystem);
  const dependencies = unionRequirements(ordered.map((m) => m.dependencies));
  if (dependencies.length) provenance.dependencies = filesWith(ordered, (m) => m.dependencies.length > 0);
  const optionalDependencies = mergeGroups(ordered.map((m) => m.optionalDependencies));
  const dependencyGroups = mergeGroups(ordered.map((m) => m.dependencyGroups));
  const constraints = unionRequirements(ordered.map((m) => m.constraints));

  const packageManager = pickManager(ordered.map((m) => m.packageManager));
  if (packageManager)
    provenance.packageManager = ordered.find((m) => m.packageManager === packageManager)!.file;

  const pythonSources = ordered.flatMap((m) => m.python);
  const requiresPython = asPep440(firstPython(pythonSources, RANGE_SOURCES, provenance, "requiresPython"));
  // The resolver has already normalised pins (`python-3.12.1`, `cpython@3.13`) to plain versions.
  const chosen = python.chosen && python.chosen.kind !== "range" ? python.chosen : null;
  if (chosen) provenance.pythonPin = chosen.file;
  const pythonPin = chosen?.value ?? null;

  const scripts: Record<string, string> = {};
  for (const manifest of [...ordered].reverse()) Object.assign(scripts, manifest.scripts);

  return {
    name,
    version,
    dependencies,
    optionalDependencies,
    dependencyGroups,
    constraints,
    requiresPython,
    pythonPin,
    packageManager,
    sources: ordered.map((m) => ({ file: m.file, kind: m.kind })),
    provenance,
    buildSystem,
    indexes: ordered.flatMap((m) => m.indexes),
    locked: ordered.flatMap((m) => m.locked),
    scripts: sortRecord(scripts),
    isPackage: isInstallablePackage(ordered),
    nonPythonPackages: ordered.flatMap((m) => m.nonPythonPackages),
    manifests: ordered,
  };
}

/** Union of PEP 508 strings, first occurrence kept, in manifest precedence order. */
function unionRequirements(lists: Dependency[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const dep of list) {
      const key = dep.requirement.replace(/\s+/g, "");
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(dep.requirement);
    }
  }
  return out;
}

function mergeGroups(records: Record<string, Dependency[]>[]): Record<string, string[]> {
  const byGroup = new Map<string, Dependency[][]>();
  for (const record of records) {
    for (const [group, deps] of Object.entries(record)) {
      const lists = byGroup.get(group) ?? [];
      lists.push(deps);
      byGroup.set(group, lists);
    }
  }
  const out: Record<string, string[]> = {};
  for (const group of [...byGroup.keys()].sort()) out[group] = unionRequirements(byGroup.get(group)!);
  return out;
}

function pickManager(found: (PackageManager | null)[]): PackageManager | null {
  for (const manager of MANAGER_PRECEDENCE) if (found.includes(manager)) return manager;
  return null;
}

/** Poetry's `^3.10` and friends become the PEP 440 range the rest of the toolchain understands. */
function asPep440(source: PythonVersionSource | null): string | null {
  if (!source) return null;
  const statement = readStatement(source);
  return statement.kind === "range" ? statement.value : source.value;
}

function firstPython(
  sources: PythonVersionSource[],
  kinds: Set<string>,
  provenance: Record<string, string>,
  field: string,
): PythonVersionSource | null {
  const hit = sources.find((s) => kinds.has(s.source));
  if (!hit) return null;
  provenance[field] = hit.file;
  return hit;
}

function filesWith(manifests: ManifestFacts[], test: (m: ManifestFacts) => boolean): string {
  return [...new Set(manifests.filter(test).map((m) => m.file))].join(", ");
}

/**
 * A project is installable when a build backend is declared, or setuptools' legacy files exist.
 * uv and Poetry can mark a project as non-package explicitly; readers report that in `extra.package`.
 */
function isInstallablePackage(manifests: ManifestFacts[]): boolean {
  if (manifests.some((m) => m.details.pyproject?.package === false)) return false;
  return manifests.some(
    (m) => (m.buildSystem?.backend ?? null) !== null || m.kind === "setup.py" || m.kind === "setup.cfg",
  );
}

function sortRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => compareText(a, b)));
}
