import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, sortDiagnostics } from "../core/diagnostics.js";
import { readTextFileSync } from "../core/fs.js";
import { normalizeName } from "../pep/names.js";
import { scanComponents } from "./components.js";
import { listSourceFiles } from "./imports/walk.js";
import type { MachineFacts } from "./machine.js";
import { readManifests } from "./manifests/registry.js";
import type { DeclaredSections } from "./mapping/infer.js";
import { mergeManifests } from "./merge.js";
import { listManifestCandidates, projectReadContext } from "./project-files.js";
import { detectProjectType } from "./project-type.js";
import { resolvePythonVersion } from "./python-version.js";
import { findProjectRoot } from "./root.js";
import { systemDependenciesFor } from "./system-deps/index.js";
import {
  emptyImportFacts,
  type Facts,
  type ImportFacts,
  type InferredFacts,
  type ProjectModel,
} from "./types.js";

export interface CollectOptions {
  /** Probe the machine (interpreters, tools). Off for callers that only need the project. */
  machine?: boolean;
  /** Read the user's configuration (git, pip, npm …), redacted. */
  user?: boolean;
  /** Scan imports in the code. */
  imports?: boolean;
}

/**
 * Collects every fact about the project at `path`, most specific first. Read-only: nothing is written
 * and no project code runs.
 */
export async function collectFacts(path: string, options: CollectOptions = {}): Promise<Facts> {
  const { machine = true, user = true, imports: scanCode = true } = options;
  const root = findProjectRoot(path);
  // Machine and user probes spawn processes: start them first so they overlap with file reading. The
  // heavy parts (import scanner, mapping table, probes) load only when asked for: setup and regenerate
  // read the manifests alone and should not pay for the rest.
  const machinePromise = machine
    ? import("./machine.js").then((m) => m.collectMachineFacts())
    : Promise.resolve(null);
  const userPromise = user
    ? import("./user.js").then((m) => m.collectUserFacts(root))
    : Promise.resolve(null);

  const manifests = readManifests(listManifestCandidates(root), projectReadContext(root));
  const python = resolvePythonVersion(manifests.flatMap((m) => m.python));
  const project = mergeManifests(manifests, python);
  const pythonMinor =
    python.chosen && python.chosen.kind !== "range" ? minorOf(python.chosen.value) : undefined;

  const mapping = scanCode ? await import("./mapping/index.js") : null;
  const importResult = scanCode
    ? await (await import("./imports/index.js")).collectImports(root, {
        pythonVersion: pythonMinor,
        requiresPython: project.requiresPython ?? undefined,
        localNames: localNamesOf(project),
        hasDistribution: (module) => (mapping?.tableDistributions(module).length ?? 0) > 0,
      })
    : null;
  const sourceFiles = importResult?.files ?? (await listSourceFiles(root));
  const imports = importResult?.facts ?? emptyImportFacts();
  const declared = allDeclared(project);
  const venv = join(root, ".venv");
  // Without a scan nothing can be called undeclared or unused.
  const inferred = importResult
    ? await inferFromImports(root, project, imports, venv, importResult.files)
    : NO_INFERENCE;
  const declaredNames = [...new Set(declared.map(requirementName).filter((n): n is string => n !== null))];
  const type = detectProjectType({
    files: projectTypeFiles(root, [...sourceFiles.python, ...sourceFiles.notebooks]),
    declared: declaredNames,
    runtimeDeclared: [
      ...new Set(project.dependencies.map(requirementName).filter((n): n is string => n !== null)),
    ],
    imports: runtimeImports(imports),
    hasEntryPoints: Object.keys(project.scripts).length > 0,
    entryPoints: Object.keys(project.scripts),
    isPackage: project.isPackage,
    hasBuildBackend: (project.buildSystem?.backend ?? null) !== null,
    readFile: (file) => readProjectText(root, file),
  });

  const [system, userFacts] = await Promise.all([machinePromise, userPromise]);
  const systemDependencies = systemDependenciesFor(declaredNames, systemManagersOf(system));

  const components = scanComponents(root);
  const diagnostics: Diagnostic[] = [
    ...manifests.flatMap((m) => m.diagnostics),
    ...components.diagnostics,
    ...(importResult?.diagnostics ?? []),
    ...(userFacts?.diagnostics ?? []),
  ];
  for (const conflict of python.conflicts) {
    diagnostics.push({ file: python.chosen?.file ?? "", line: null, severity: "warning", message: conflict });
  }
  return {
    root,
    project,
    python,
    type,
    imports,
    inferred,
    systemDependencies,
    components: components.components,
    system,
    user: userFacts,
    diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)),
  };
}

const NO_INFERENCE: InferredFacts = {
  undeclared: [],
  undeclaredOptional: [],
  undeclaredTypeOnly: [],
  undeclaredTooling: [],
  unused: [],
  usedWithoutImport: [],
  unusedUncertain: [],
  notImportable: [],
};

/** Undeclared imports and unused declarations, each section of the project checked for what it serves. */
async function inferFromImports(
  root: string,
  project: ProjectModel,
  imports: ImportFacts,
  venv: string,
  files: { python: string[]; notebooks: string[]; projectDirs: string[] },
): Promise<InferredFacts> {
  const [{ inferDependencies }, { usedWithoutImportFinder }, { unscannedMentionFinder }] = await Promise.all([
    import("./mapping/infer.js"),
    import("./mapping/used-without-import.js"),
    import("./mapping/unscanned.js"),
  ]);
  const venvPath = existsSync(venv) ? venv : undefined;
  return inferDependencies(imports, declaredSections(project), {
    projectName: project.name ?? undefined,
    ...(venvPath ? { venvPath } : {}),
    usedWithoutImport: usedWithoutImportFinder(root, project, imports, venvPath, files),
    unscannedMention: unscannedMentionFinder(root, imports.unscanned ?? []),
    nestedProjects: files.projectDirs.map((dir) => ({
      dir,
      sections: declaredSections(nestedModel(root, dir)),
    })),
  });
}

/** What a project declares, section by section, as inference reads it. */
function declaredSections(project: ProjectModel): DeclaredSections {
  return {
    dependencies: project.dependencies,
    optionalDependencies: project.optionalDependencies,
    dependencyGroups: project.dependencyGroups,
    // setup_requires alone (no backend) still builds with setuptools.
    buildRequires:
      project.buildSystem?.backend != null
        ? project.buildSystem.requires
        : [...(project.buildSystem?.requires ?? []), "setuptools", "wheel"],
  };
}

/** The project model of a project nested below the root (a workspace member, `backend/`); empty when unreadable. */
function nestedModel(root: string, dir: string): ProjectModel {
  const path = join(root, dir);
  try {
    return mergeManifests(readManifests(listManifestCandidates(path), projectReadContext(path)));
  } catch {
    return mergeManifests([]);
  }
}

/** Every requirement the project declares anywhere: main, extras, groups. */
export function allDeclared(project: ProjectModel): string[] {
  return [
    ...project.dependencies,
    ...Object.values(project.optionalDependencies).flat(),
    ...Object.values(project.dependencyGroups).flat(),
  ];
}

/** The distribution name at the start of a PEP 508 string. */
export function requirementName(requirement: string): string | null {
  const match = requirement.trim().match(/^([A-Za-z0-9][A-Za-z0-9._-]*)/);
  return match?.[1] ? normalizeName(match[1]) : null;
}

/** Third-party top-level names the project's runtime code imports (not its tests, tools or docs). */
function runtimeImports(imports: ImportFacts): string[] {
  const names = imports.uses
    .filter(
      (use) =>
        use.kind === "thirdParty" && !use.unreachable && (use.roles ?? ["runtime"]).includes("runtime"),
    )
    .map((use) => use.name.split(".")[0] as string);
  return [...new Set(names)].sort();
}

/** Small text files the type detector may look into (settings.py); null when unreadable or not text. */
function readProjectText(root: string, file: string): string | null {
  try {
    return readTextFileSync(join(root, file), file);
  } catch {
    return null;
  }
}

function localNamesOf(project: ProjectModel): string[] {
  return project.name ? [project.name.replace(/[-.]/g, "_").toLowerCase()] : [];
}

function minorOf(version: string): string | undefined {
  const match = version.match(/^(\d+)\.(\d+)/);
  return match ? `${match[1]}.${match[2]}` : undefined;
}

/** Files that identify frameworks: the code files plus the root listing and framework config folders. */
function projectTypeFiles(root: string, codeFiles: string[]): string[] {
  const files = new Set(codeFiles);
  for (const dir of ["", ".streamlit"]) {
    let entries: string[] = [];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const entry of entries) files.add(dir ? `${dir}/${entry}` : entry);
  }
  return [...files].sort();
}

function systemManagersOf(system: MachineFacts | null): string[] | undefined {
  const managers = system?.systemPackageManagers;
  if (!managers) return undefined;
  const names = Object.keys(managers);
  return names.length ? names : undefined;
}

function dedupeDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.severity}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
