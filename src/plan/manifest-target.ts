/**
 * Where `dhtl add` puts a requirement (and the pip wrapper tells users to put one): the manifest that
 * already holds the project's dependencies, in its own dialect.
 *
 * Main dependencies: PEP 621 `[project] dependencies` (Poetry 2, PDM, Hatch, Flit and setuptools projects
 * included), or the requirements file setuptools reads them from (`dynamic`), or Poetry's
 * `[tool.poetry.dependencies]`, or Pipfile `[packages]`, or the main requirements file (the `.in` of a
 * pip-compile pair, never its compiled output). A group: wherever the project already keeps that group
 * (PEP 735 `[dependency-groups]`, Poetry groups or `dev-dependencies`, PDM's or uv's `dev-dependencies`,
 * a Pipfile category, `requirements-<group>.txt`), else a new one in the project's own dialect.
 * setup.py, setup.cfg and environment.yml are never edited: dhtl reads them statically and cannot write
 * them back safely, so the answer names the file to edit instead.
 */
import { DhtlError } from "../core/errors.js";
import type { PackageManager } from "../facts/manifests/types.js";
import { isTable, stringsIn, type Table, tableAt, valueAt } from "../formats/toml-table.js";
import { normalizeName } from "../pep/names.js";

export type ManifestTarget =
  /** An array of PEP 508 strings: `table.key` (`[project] dependencies`, `[dependency-groups] dev`). */
  | { format: "toml-array"; file: string; table: string[]; key: string; label: string }
  /** A table of name → constraint: Poetry's dependency tables, Pipfile categories. */
  | { format: "toml-table"; file: string; table: string[]; style: "poetry" | "pipfile"; label: string }
  /** A pip requirements file (created when `create`). */
  | { format: "requirements"; file: string; create: boolean; label: string };

/** What the project's files look like, as far as choosing a target goes (gathered by the workflow). */
export interface ManifestLayout {
  /** pyproject.toml parsed, or null when there is none. */
  pyproject: Table | null;
  /** Pipfile parsed, or null. */
  pipfile: Table | null;
  /** The requirements files the readers found: role `main`, `group:<name>` or `constraints`. */
  requirements: { file: string; role: string; compiled: boolean }[];
  packageManager: PackageManager | null;
  /** Manifests that declare dependencies dhtl does not edit (setup.py, setup.cfg, environment.yml). */
  readOnly: string[];
}

const PYPROJECT = "pyproject.toml";
const PIPFILE = "Pipfile";

/** The target for a requirement of the main dependencies (`group` null) or of a dependency group. */
export function chooseManifestTarget(layout: ManifestLayout, group: string | null): ManifestTarget {
  return group === null ? mainTarget(layout) : groupTarget(layout, normalizeName(group));
}

function mainTarget(layout: ManifestLayout): ManifestTarget {
  const { pyproject } = layout;
  const project = pyproject ? tableAt(pyproject, ["project"]) : null;
  const mainFile = mainRequirementsFile(layout);
  if (project && pyproject) {
    if (stringsIn(project.dynamic).includes("dependencies")) {
      const file = stringsIn(
        valueAt(pyproject, ["tool", "setuptools", "dynamic", "dependencies", "file"]),
      )[0];
      if (file) return requirementsTarget(file, !layout.requirements.some((req) => req.file === file));
      throw new DhtlError("badInput", "[project] dependencies are dynamic: the build backend computes them", {
        file: PYPROJECT,
        hint: "add the requirement where the backend reads it, then run `dhtl setup`",
      });
    }
    // A pyproject.toml that names the project but keeps its dependencies in requirements.txt.
    const declares = stringsIn(project.dependencies).length > 0;
    if (declares || !mainFile)
      return arrayTarget(PYPROJECT, ["project"], "dependencies", "pyproject.toml [project] dependencies");
  }
  if (pyproject && isTable(valueAt(pyproject, ["tool", "poetry", "dependencies"])))
    return poetryTarget(["tool", "poetry", "dependencies"]);
  if (layout.pipfile) return pipfileTarget("packages");
  if (mainFile) return requirementsTarget(mainFile, false);
  refuseReadOnly(layout);
  return requirementsTarget("requirements.txt", true);
}

function groupTarget(layout: ManifestLayout, group: string): ManifestTarget {
  const { pyproject, pipfile } = layout;
  if (pyproject) {
    const existing = existingPyprojectGroup(pyproject, group, layout.packageManager);
    if (existing) return existing;
  }
  if (pipfile) {
    const section =
      group === "dev"
        ? "dev-packages"
        : (Object.keys(pipfile).find((key) => isTable(pipfile[key]) && normalizeName(key) === group) ??
          group);
    return pipfileTarget(section);
  }
  const groupFiles = layout.requirements.filter((req) => req.role === `group:${group}` && !req.compiled);
  const groupFile = preferred(
    groupFiles.map((req) => req.file),
    group,
  );
  if (groupFile) return requirementsTarget(groupFile, false);
  const main = mainTarget(layout);
  if (main.format === "requirements") return requirementsTarget(`requirements-${group}.txt`, true);
  if (main.format === "toml-table" && main.style === "poetry")
    return poetryTarget(["tool", "poetry", "group", group, "dependencies"]);
  return arrayTarget(PYPROJECT, ["dependency-groups"], group, `pyproject.toml [dependency-groups] ${group}`);
}

/** A place pyproject.toml already keeps `group` in: PEP 735, PDM, Poetry or uv's dev-dependencies. */
function existingPyprojectGroup(
  pyproject: Table,
  group: string,
  manager: PackageManager | null,
): ManifestTarget | null {
  const keyIn = (table: Table | null) =>
    table ? (Object.keys(table).find((key) => normalizeName(key) === group) ?? null) : null;
  const pdm = tableAt(pyproject, ["tool", "pdm", "dev-dependencies"]);
  const pdmKey = keyIn(pdm);
  if (pdmKey && manager === "pdm")
    return arrayTarget(
      PYPROJECT,
      ["tool", "pdm", "dev-dependencies"],
      pdmKey,
      `pyproject.toml [tool.pdm.dev-dependencies] ${pdmKey}`,
    );
  const groups = tableAt(pyproject, ["dependency-groups"]);
  const groupKey = keyIn(groups);
  if (groupKey)
    return arrayTarget(
      PYPROJECT,
      ["dependency-groups"],
      groupKey,
      `pyproject.toml [dependency-groups] ${groupKey}`,
    );
  const poetryKey = keyIn(tableAt(pyproject, ["tool", "poetry", "group"]));
  if (poetryKey) return poetryTarget(["tool", "poetry", "group", poetryKey, "dependencies"]);
  if (group === "dev" && isTable(valueAt(pyproject, ["tool", "poetry", "dev-dependencies"])))
    return poetryTarget(["tool", "poetry", "dev-dependencies"]);
  if (group === "dev" && Array.isArray(valueAt(pyproject, ["tool", "uv", "dev-dependencies"])))
    return arrayTarget(
      PYPROJECT,
      ["tool", "uv"],
      "dev-dependencies",
      "pyproject.toml [tool.uv] dev-dependencies",
    );
  // A new group goes where the project's tool keeps groups: PEP 735 unless it is a PDM project with its own.
  if (pdm && manager === "pdm")
    return arrayTarget(
      PYPROJECT,
      ["tool", "pdm", "dev-dependencies"],
      group,
      `pyproject.toml [tool.pdm.dev-dependencies] ${group}`,
    );
  if (groups)
    return arrayTarget(
      PYPROJECT,
      ["dependency-groups"],
      group,
      `pyproject.toml [dependency-groups] ${group}`,
    );
  return null;
}

/** The main requirements file to edit: `requirements.in` over `requirements.txt` over the rest. */
function mainRequirementsFile(layout: ManifestLayout): string | null {
  const files = layout.requirements
    .filter((req) => req.role === "main" && !req.compiled)
    .map((req) => req.file);
  return preferred(files, null);
}

function preferred(files: string[], group: string | null): string | null {
  const stems =
    group === null
      ? ["requirements"]
      : [`requirements-${group}`, `requirements_${group}`, `${group}-requirements`, `requirements/${group}`];
  for (const stem of stems) {
    for (const ext of [".in", ".txt"]) if (files.includes(`${stem}${ext}`)) return `${stem}${ext}`;
  }
  return [...files].sort()[0] ?? null;
}

function refuseReadOnly(layout: ManifestLayout): void {
  if (layout.readOnly.length === 0) return;
  const [first] = layout.readOnly;
  throw new DhtlError(
    "badInput",
    `the project declares its dependencies in ${layout.readOnly.join(", ")}, which dhtl reads but does not rewrite`,
    {
      file: first,
      hint: `add the requirement to ${first} by hand, then run \`dhtl setup\` (or \`dhtl migrate\` to move to pyproject.toml)`,
    },
  );
}

function arrayTarget(file: string, table: string[], key: string, label: string): ManifestTarget {
  return { format: "toml-array", file, table, key, label };
}

function poetryTarget(table: string[]): ManifestTarget {
  return {
    format: "toml-table",
    file: PYPROJECT,
    table,
    style: "poetry",
    label: `pyproject.toml [${table.join(".")}]`,
  };
}

function pipfileTarget(section: string): ManifestTarget {
  return {
    format: "toml-table",
    file: PIPFILE,
    table: [section],
    style: "pipfile",
    label: `Pipfile [${section}]`,
  };
}

function requirementsTarget(file: string, create: boolean): ManifestTarget {
  return { format: "requirements", file, create, label: file };
}
