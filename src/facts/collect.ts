import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { type Diagnostic, sortDiagnostics } from "../core/diagnostics.js";
import { readTextFileSync } from "../core/fs.js";
import { normalizeName } from "../pep/names.js";
import { scanComponents } from "./components.js";
import type { StartedImportScan } from "./imports/index.js";
import { listSourceFiles } from "./imports/walk.js";
import { readManifests } from "./manifests/registry.js";
import type { DeclaredSections } from "./mapping/infer.js";
import { mergeManifests } from "./merge.js";
import { nativeBuildDependencies, readNativeBuild } from "./native-build/index.js";
import { listManifestCandidates, projectReadContext } from "./project-files.js";
import { declaresAppFramework, detectProjectType } from "./project-type.js";
import { collectPythonHints } from "./python-hints/index.js";
import { resolvePythonVersion } from "./python-version.js";
import { findSubprojects } from "./subprojects.js";
import { systemDependenciesFor } from "./system-deps/index.js";
import type {
  CodeFacts,
  ImportFacts,
  InferredFacts,
  ProjectFacts,
  ProjectModel,
  PythonFacts,
} from "./types.js";

/**
 * The project's own files, read-only, no project code run: manifests merged, the Python version, the
 * Node/Rust/Go components and the system packages its declared dependencies ask for. `root` is the
 * project root as findProjectRoot found it.
 */
export function collectProject(root: string): ProjectFacts {
  const context = projectReadContext(root);
  const manifests = readManifests(listManifestCandidates(root), context);
  const hints = collectPythonHints(root, context);
  const python = resolvePythonVersion([...manifests.flatMap((m) => m.python), ...hints.hints]);
  const project = mergeManifests(manifests, python);
  project.sources.push(...lockFileSources(root, project.sources));
  const components = scanComponents(root);
  const diagnostics: Diagnostic[] = [
    ...manifests.flatMap((m) => m.diagnostics),
    ...hints.diagnostics,
    ...components.diagnostics,
    ...pythonConflicts(python),
  ];
  return {
    root,
    project,
    python,
    systemDependencies: [
      ...systemDependenciesFor(declaredNames(project)),
      ...nativeBuildDependencies(readNativeBuild(root), project.name ?? "the project"),
    ],
    components: components.components,
    subprojects: findSubprojects(root, project),
    diagnostics: sortDiagnostics(dedupeDiagnostics(diagnostics)),
  };
}

/**
 * What the code says: walks the source tree to score the project type and, unless `imports` is off,
 * scans the imports and infers undeclared and unused dependencies. The heavy parts (scanner, mapping
 * table) load only here.
 */
export async function collectCodeAnalysis(
  facts: Pick<ProjectFacts, "root" | "project" | "python">,
  options: { imports: boolean; started?: StartedImportScan | null },
): Promise<CodeFacts> {
  const { root, project, python } = facts;
  const pythonMinor =
    python.chosen && python.chosen.kind !== "range" ? minorOf(python.chosen.value) : undefined;
  const mapping = options.imports ? await import("./mapping/index.js") : null;
  const importResult = options.imports
    ? await (await import("./imports/index.js")).collectImports(root, {
        pythonVersion: pythonMinor,
        requiresPython: project.requiresPython ?? undefined,
        localNames: localNamesOf(project),
        buildDirs: project.buildSystem?.backendPath ?? [],
        // The manifests are read again for their entry points only where the rule applies.
        ...(isLibraryPackage(project)
          ? { libraryModulesLoadedByName: true, entryModules: entryModulesOf(root, project) }
          : {}),
        hasDistribution: (module) => (mapping?.tableDistributions(module).length ?? 0) > 0,
        ...(options.started ? { started: options.started } : {}),
      })
    : null;
  const sourceFiles = importResult?.files ?? (await listSourceFiles(root));
  const imports = importResult?.facts ?? null;
  const venv = join(root, ".venv");
  // Without a scan nothing can be called undeclared or unused.
  const inferred =
    imports && importResult ? await inferFromImports(root, project, imports, venv, importResult.files) : null;
  const type = detectProjectType({
    files: projectTypeFiles(root, [...sourceFiles.python, ...sourceFiles.notebooks]),
    declared: declaredNames(project),
    runtimeDeclared: [
      ...new Set(project.dependencies.map(requirementName).filter((n): n is string => n !== null)),
    ],
    imports: imports ? runtimeImports(imports) : [],
    hasEntryPoints: Object.keys(project.scripts).length > 0,
    entryPoints: Object.keys(project.scripts),
    entryPointTargets: Object.values(project.scripts),
    moduleName: localNamesOf(project)[0],
    isPackage: project.isPackage,
    hasBuildBackend: (project.buildSystem?.backend ?? null) !== null,
    readFile: (file) => readProjectText(root, file),
  });
  return { type, imports, inferred, diagnostics: importResult?.diagnostics ?? [] };
}

/**
 * Lists the tree's source files and starts scanning their imports, so the scan (on worker threads when the
 * tree is large) runs while the caller reads the project; pass the result to `collectCodeAnalysis`.
 */
export async function startCodeScan(root: string): Promise<StartedImportScan> {
  return (await import("./imports/index.js")).startImportScan(root);
}

/** Lock files no manifest reader reads (Pipfile.lock is one), listed in `project.sources` with their kind. */
export const PROJECT_LOCK_FILES = ["uv.lock", "poetry.lock", "pdm.lock"] as const;

function lockFileSources(root: string, known: { file: string }[]): { file: string; kind: string }[] {
  return PROJECT_LOCK_FILES.filter(
    (file) => !known.some((source) => source.file === file) && isFile(join(root, file)),
  ).map((file) => ({ file, kind: file }));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

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
      sections: () => declaredSections(nestedModel(root, dir)),
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

/** A package with a build backend whose runtime needs no application framework: a library. */
function isLibraryPackage(project: ProjectModel): boolean {
  const runtime = project.dependencies.map(requirementName).filter((n): n is string => n !== null);
  return (
    project.isPackage && (project.buildSystem?.backend ?? null) !== null && !declaresAppFramework(runtime)
  );
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

/** The distribution names the project declares anywhere, normalised, each once. */
export function declaredNames(project: ProjectModel): string[] {
  return [
    ...new Set(
      allDeclared(project)
        .map(requirementName)
        .filter((n): n is string => n !== null),
    ),
  ];
}

function pythonConflicts(python: PythonFacts): Diagnostic[] {
  return python.conflicts.map((message) => ({
    file: python.chosen?.file ?? "",
    line: null,
    severity: "warning",
    message,
  }));
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

/** Manifests whose entry points (console scripts, plugins of other tools) name the project's modules. */
const ENTRY_POINT_MANIFESTS = new Set(["pyproject.toml", "setup.cfg", "setup.py"]);

/**
 * Modules the project names as entry points: its console scripts' targets and every dotted name its
 * manifests write (`[project.entry-points."poetry.application.plugin"]`, setup.py's `entry_points`). A
 * superset is harmless: such modules only stay entry points.
 */
function entryModulesOf(root: string, project: ProjectModel): string[] {
  const names = new Set(Object.values(project.scripts).map((target) => target.split(":")[0]?.trim() ?? ""));
  for (const { file } of project.sources) {
    if (!ENTRY_POINT_MANIFESTS.has(file)) continue;
    for (const match of (readProjectText(root, file) ?? "").matchAll(/[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+/g))
      names.add(match[0]);
  }
  names.delete("");
  return [...names].sort();
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

export function dedupeDiagnostics(list: Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.severity}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
