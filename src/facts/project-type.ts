/**
 * Project type detection: every kind of project earns points from evidence (files, declared distributions,
 * imports), each piece weighted and named so the score can be explained. Markers only one framework uses
 * (`manage.py`, `.streamlit/`) are strong; generic names (`main.py`, `app.py`) are weak and count only when
 * the same type already has stronger evidence, so a lone `main.py` never makes a project "fastapi".
 * Runtime evidence outweighs what tests, tools and extras need: a framework declared only in a test group
 * or an extra is a hint, never a marker. Ties are broken by TYPE_PRIORITY, most specific first.
 */

import type { ProjectTypeFacts, ProjectTypeName, TypeCandidate } from "./types.js";

export interface ProjectTypeInput {
  /** Root-relative posix paths of the project's files, already filtered (no .venv, build dirs …). */
  files: string[];
  /** Normalised distribution names declared anywhere. */
  declared: string[];
  /**
   * Normalised names of the runtime dependencies (`[project] dependencies`, requirements.txt). When given,
   * a distribution declared only in extras or groups (a test or dev need) is a hint, not a marker.
   */
  runtimeDeclared?: string[];
  /** Third-party top-level import names (of runtime code: tests and tools say nothing about the type). */
  imports: string[];
  hasEntryPoints: boolean;
  isPackage: boolean;
  /** A build backend is declared, even where the installer is told not to install the project (`[tool.uv] package = false`). */
  hasBuildBackend?: boolean;
  /** Console script names, for the evidence text; `hasEntryPoints` alone still counts without them. */
  entryPoints?: string[];
  /** What the console scripts call (`records:cli`): a single-module library's command is not its API. */
  entryPointTargets?: string[];
  /** The project's name as a module (`records`): a single-file library (`py_modules`, flit) is that module. */
  moduleName?: string;
  /** Reads a project file (root-relative) or returns null; lets a few small files be looked into. */
  readFile?: (path: string) => string | null;
}

/** Evidence only one kind of project leaves (`manage.py`, `declares django`). */
const STRONG = 3;
const MEDIUM = 2;
/** What a hint is worth; hints (`main.py`, `declares flask-login`) count only next to a marker of the same type. */
const HINT = 1;
/** Data libraries support many kinds of project: capping them keeps a long list from outweighing one framework. */
const DATA_LIBRARY_CAP = 4;
/** A repository of notebooks and no code of its own is a Jupyter project, whatever libraries they use. */
const NOTEBOOKS_ONLY = 5;
/** Files looked into at most, so detection stays cheap on large trees. */
const MAX_FILES_READ = 20;

interface Evidence {
  type: Exclude<ProjectTypeName, "generic">;
  weight: number;
  text: string;
  /** True for names many kinds of project use: counted only when the type also has a marker. */
  hint: boolean;
}

function marker(type: Evidence["type"], weight: number, text: string): Evidence {
  return { type, weight, text, hint: false };
}

function hint(type: Evidence["type"], text: string): Evidence {
  return { type, weight: HINT, text, hint: true };
}

/** Web and app frameworks: distribution and import name. */
const FRAMEWORKS: { type: Evidence["type"]; dist: string; module: string }[] = [
  { type: "django", dist: "django", module: "django" },
  { type: "flask", dist: "flask", module: "flask" },
  { type: "fastapi", dist: "fastapi", module: "fastapi" },
  { type: "streamlit", dist: "streamlit", module: "streamlit" },
];

/** Whether runtime dependencies name an application framework or one of its extensions. */
export function declaresAppFramework(runtimeDeclared: readonly string[]): boolean {
  return runtimeDeclared.some((name) => {
    const normalized = name.toLowerCase();
    return (
      FRAMEWORKS.some((framework) => framework.dist === normalized) ||
      PLUGIN_PREFIXES.some((plugin) => plugin.prefix.test(normalized))
    );
  });
}

/** Distributions that extend a framework (`django-environ`, `flask-sqlalchemy`): weak evidence for it. */
const PLUGIN_PREFIXES: { type: Evidence["type"]; prefix: RegExp }[] = [
  { type: "django", prefix: /^(django-|djangorestframework)/ },
  { type: "flask", prefix: /^flask-/ },
  { type: "fastapi", prefix: /^(fastapi-|uvicorn$|starlette$)/ },
  { type: "streamlit", prefix: /^streamlit-/ },
];

const CLI_LIBRARIES: { dist: string; module: string }[] = [
  { dist: "click", module: "click" },
  { dist: "typer", module: "typer" },
  { dist: "fire", module: "fire" },
  { dist: "docopt", module: "docopt" },
  { dist: "docopt-ng", module: "docopt" },
  { dist: "cleo", module: "cleo" },
  { dist: "cyclopts", module: "cyclopts" },
  { dist: "rich-click", module: "rich_click" },
  { dist: "plac", module: "plac" },
];

const DATA_LIBRARIES: { dist: string; module: string }[] = [
  { dist: "pandas", module: "pandas" },
  { dist: "numpy", module: "numpy" },
  { dist: "scipy", module: "scipy" },
  { dist: "scikit-learn", module: "sklearn" },
  { dist: "matplotlib", module: "matplotlib" },
  { dist: "seaborn", module: "seaborn" },
  { dist: "plotly", module: "plotly" },
  { dist: "statsmodels", module: "statsmodels" },
  { dist: "polars", module: "polars" },
  { dist: "torch", module: "torch" },
  { dist: "tensorflow", module: "tensorflow" },
  { dist: "keras", module: "keras" },
  { dist: "jax", module: "jax" },
  { dist: "xgboost", module: "xgboost" },
  { dist: "lightgbm", module: "lightgbm" },
  { dist: "catboost", module: "catboost" },
  { dist: "transformers", module: "transformers" },
  { dist: "xarray", module: "xarray" },
];

const JUPYTER_DISTRIBUTIONS = [
  "jupyter",
  "jupyterlab",
  "notebook",
  "ipykernel",
  "voila",
  "nbconvert",
  "jupytext",
];

/** An `__init__.py` that defines or re-exports public names: `from .core import X`, `def f`, `__all__`. */
const PUBLIC_API = /^(?:from\s+\.\S*\s+import\s+[A-Za-z(]|def\s+[A-Za-z]|class\s+[A-Za-z]|__all__\s*=)/m;

const DATA_FILE = /\.(csv|tsv|parquet|feather|arrow|h5|hdf5|xlsx|npy|npz)$/i;

/** Entry files whose content can name the framework that builds the app object. */
const APP_FILE = /^(?:[^/]+\/)?(app|main|wsgi|asgi|application|server|api)\.py$/;
const APP_CONSTRUCTORS: { type: Evidence["type"]; pattern: RegExp; label: string }[] = [
  // `class Flask(…)` in Flask's own source defines the class; it builds no app.
  { type: "flask", pattern: /(?<!class\s+)\bFlask\s*\(/, label: "Flask(…)" },
  { type: "fastapi", pattern: /(?<!class\s+)\bFastAPI\s*\(/, label: "FastAPI(…)" },
];

/** Order among types with equal scores: frameworks that decide how the project runs first, then the rest. */
export const TYPE_PRIORITY: ProjectTypeName[] = [
  "django",
  "fastapi",
  "flask",
  "streamlit",
  "jupyter",
  "library",
  "cli",
  "data-science",
  "generic",
];

/** What a project declares: everything, and what of it the runtime needs. */
interface Declared {
  any: Set<string>;
  runtime: Set<string>;
}

/** Scores every project type and names the best one, or "generic" when nothing scores. */
export function detectProjectType(input: ProjectTypeInput): ProjectTypeFacts {
  const declared: Declared = {
    any: new Set(input.declared),
    runtime: new Set(input.runtimeDeclared ?? input.declared),
  };
  const imports = new Set(input.imports);
  const files = input.files.filter((f) => !f.split("/").includes(".ipynb_checkpoints"));
  const reader = limitedReader(input.readFile);
  const api = importableApi(input, files, reader);
  // A project marker (manage.py, an app object, .streamlit/) says the project runs the framework itself.
  const projectMarkers = [
    ...djangoEvidence(files, reader),
    ...webFileEvidence(files, reader),
    ...streamlitEvidence(files),
  ];
  const runsApp = (type: Evidence["type"]) => projectMarkers.some((e) => e.type === type && !e.hint);
  const evidence = [
    ...frameworkEvidence(declared, imports, (type) => api !== null && !runsApp(type)),
    ...projectMarkers,
    ...notebookEvidence(files, declared),
    ...cliEvidence(input, declared.runtime, imports, files, api),
    ...libraryEvidence(input, files, api),
    ...dataScienceEvidence(declared.runtime, imports, files),
  ];
  const candidates = score(evidence);
  return { name: candidates[0]?.name ?? "generic", candidates };
}

/** Sums the evidence per type; hints count only where the type also has a marker. */
function score(evidence: Evidence[]): TypeCandidate[] {
  const byType = new Map<Evidence["type"], Evidence[]>();
  for (const e of evidence) byType.set(e.type, [...(byType.get(e.type) ?? []), e]);
  const candidates: TypeCandidate[] = [];
  for (const [type, list] of byType) {
    const counted = list.some((e) => !e.hint) ? list : [];
    const total = counted.reduce((sum, e) => sum + e.weight, 0);
    if (total > 0 || counted.length > 0)
      candidates.push({ name: type, score: total, evidence: counted.map(describe) });
  }
  return candidates.sort(
    (a, b) => b.score - a.score || TYPE_PRIORITY.indexOf(a.name) - TYPE_PRIORITY.indexOf(b.name),
  );
}

/**
 * A framework the project declares and imports. Beside an importable API it is what a library builds on
 * (Django REST framework on Django): then only a project marker (manage.py, an app object) makes the type.
 */
function frameworkEvidence(
  declared: Declared,
  imports: Set<string>,
  extension: (type: Evidence["type"]) => boolean,
): Evidence[] {
  const found: Evidence[] = [];
  const evidence = (type: Evidence["type"], weight: number, text: string) =>
    extension(type) ? hint(type, `${text} (an importable package built on it)`) : marker(type, weight, text);
  for (const { type, dist, module } of FRAMEWORKS) {
    if (declared.runtime.has(dist)) found.push(evidence(type, STRONG, `declares ${dist}`));
    else if (declared.any.has(dist))
      found.push(hint(type, `declares ${dist} outside the runtime dependencies`));
    if (imports.has(module)) found.push(evidence(type, MEDIUM, `imports ${module}`));
  }
  for (const name of [...declared.runtime].sort()) {
    for (const { type, prefix } of PLUGIN_PREFIXES) {
      if (prefix.test(name)) found.push(hint(type, `declares ${name}`));
    }
  }
  return found;
}

function djangoEvidence(files: string[], read: FileReader): Evidence[] {
  const found: Evidence[] = [];
  if (files.includes("manage.py")) found.push(marker("django", STRONG, "manage.py"));
  const settings = files.filter((f) => /(^|\/)settings\.py$/.test(f) || /(^|\/)settings\/[^/]+\.py$/.test(f));
  const withApps = settings.filter((f) => read(f)?.includes("INSTALLED_APPS"));
  for (const f of withApps) found.push(marker("django", STRONG, `${f} with INSTALLED_APPS`));
  for (const f of settings.filter((s) => !withApps.includes(s) && basename(s) === "settings.py")) {
    found.push(hint("django", f));
  }
  for (const f of files.filter((f) => /(^|\/)(urls|wsgi|asgi)\.py$/.test(f) && depth(f) <= 2)) {
    found.push(hint("django", f));
  }
  return found;
}

/** `app.py`, `main.py`, `wsgi.py`: weak by name, medium when the file builds the framework's app object. */
function webFileEvidence(files: string[], read: FileReader): Evidence[] {
  const found: Evidence[] = [];
  for (const file of files.filter((f) => APP_FILE.test(f))) {
    const name = basename(file);
    if (["app.py", "wsgi.py", "application.py"].includes(name)) found.push(hint("flask", file));
    if (["main.py", "asgi.py", "api.py"].includes(name)) found.push(hint("fastapi", file));
    const text = read(file);
    if (text === null) continue;
    for (const { type, pattern, label } of APP_CONSTRUCTORS) {
      if (pattern.test(text)) found.push(marker(type, MEDIUM, `${file} creates ${label}`));
    }
  }
  return found;
}

function streamlitEvidence(files: string[]): Evidence[] {
  const found: Evidence[] = [];
  const config = files.filter((f) => f.startsWith(".streamlit/"));
  if (config.length > 0) found.push(marker("streamlit", STRONG, config.sort()[0] ?? ".streamlit/"));
  // Streamlit Community Cloud's default entry file name.
  if (files.includes("streamlit_app.py")) found.push(marker("streamlit", MEDIUM, "streamlit_app.py"));
  return found;
}

function notebookEvidence(files: string[], declared: Declared): Evidence[] {
  const notebooks = files.filter((f) => f.endsWith(".ipynb")).length;
  const found: Evidence[] = [];
  // Code beside notebooks that only builds, configures or tests the project says nothing against them.
  const code = files.filter(
    (f) =>
      f.endsWith(".py") &&
      !/(^|\/)(setup|conftest|noxfile|tasks|conf)\.py$/.test(f) &&
      !/(^|\/)tests?\//.test(f),
  );
  if (notebooks > 0 && code.length === 0)
    found.push(marker("jupyter", NOTEBOOKS_ONLY, "notebook-only repository"));
  if (notebooks > 0) {
    // More notebooks, more certainty, up to one point above a strong marker.
    const weight = notebooks >= 10 ? STRONG + 1 : notebooks >= 3 ? STRONG : MEDIUM;
    found.push(marker("jupyter", weight, notebooks === 1 ? "1 notebook" : `${notebooks} notebooks`));
    const pythonFiles = files.filter((f) => f.endsWith(".py")).length;
    if (notebooks > pythonFiles) {
      found.push(marker("jupyter", MEDIUM, `notebooks outnumber .py files (${notebooks} vs ${pythonFiles})`));
    }
    found.push(hint("data-science", `${notebooks} notebook${notebooks === 1 ? "" : "s"}`));
  }
  for (const dist of JUPYTER_DISTRIBUTIONS) {
    if (declared.runtime.has(dist)) found.push(marker("jupyter", MEDIUM, `declares ${dist}`));
    else if (declared.any.has(dist))
      found.push(hint("jupyter", `declares ${dist} outside the runtime dependencies`));
  }
  return found;
}

/**
 * A console script makes a CLI; beside an importable API it is a library's command, so the script and the
 * command-line libraries that build it count for little.
 */
function cliEvidence(
  input: ProjectTypeInput,
  declared: Set<string>,
  imports: Set<string>,
  files: string[],
  api: string | null,
): Evidence[] {
  const found: Evidence[] = [];
  const weight = (full: number) => (api ? HINT : full);
  if (input.hasEntryPoints) {
    const names = [...(input.entryPoints ?? [])].sort();
    const text =
      names.length === 0
        ? "console scripts"
        : `console script${names.length === 1 ? "" : "s"} ${names.map((n) => `\`${n}\``).join(", ")}`;
    found.push(marker("cli", weight(STRONG), api ? `${text} beside an importable API` : text));
  }
  for (const { dist } of CLI_LIBRARIES) {
    if (declared.has(dist)) found.push(marker("cli", weight(MEDIUM), `declares ${dist}`));
  }
  for (const module of [...new Set(CLI_LIBRARIES.map((l) => l.module))]) {
    if (imports.has(module)) found.push(marker("cli", weight(MEDIUM), `imports ${module}`));
  }
  for (const file of files.filter((f) => /(^|\/)(__main__|cli)\.py$/.test(f) && depth(f) <= 3)) {
    found.push(hint("cli", file));
  }
  return found;
}

/**
 * The `__init__.py` of an installable package that defines or re-exports names, or the single module named
 * after the project (`records.py`) when it defines names besides what its console scripts call; else null.
 */
function importableApi(input: ProjectTypeInput, files: string[], read: FileReader): string | null {
  if (!input.isPackage && !input.hasBuildBackend) return null;
  const inits = files.filter(
    (f) => /^(src\/)?[^/]+\/__init__\.py$/.test(f) && !/^(src\/)?(tests?|docs?|examples?|scripts?)\//.test(f),
  );
  const api = inits.find((f) => PUBLIC_API.test(read(f) ?? ""));
  if (api) return api;
  const module = input.moduleName;
  if (!module) return null;
  const commands = new Set(["main", ...(input.entryPointTargets ?? []).map((t) => t.split(":")[1]?.trim())]);
  return (
    [`${module}.py`, `src/${module}.py`].find((file) => {
      if (!files.includes(file)) return false;
      const text = read(file) ?? "";
      if (/^__all__\s*=/m.test(text)) return true;
      return [...text.matchAll(/^(?:def|class)\s+([A-Za-z]\w*)/gm)].some((m) => !commands.has(m[1]));
    }) ?? null
  );
}

function libraryEvidence(input: ProjectTypeInput, files: string[], api: string | null): Evidence[] {
  const found: Evidence[] = [];
  if (input.isPackage || input.hasBuildBackend)
    found.push(marker("library", MEDIUM, "installable package (build backend or setup script)"));
  if (api) found.push(marker("library", MEDIUM, `importable API (${api} defines or re-exports names)`));
  const srcPackages = files.filter((f) => /^src\/[^/]+\/__init__\.py$/.test(f));
  if (srcPackages.length > 0) {
    const names = srcPackages.map((f) => f.split("/")[1]).join(", ");
    found.push(marker("library", MEDIUM, `src/ layout (${names})`));
  }
  const flatPackages = files.filter(
    (f) => /^[^/]+\/__init__\.py$/.test(f) && !/^(tests?|docs?|examples?|scripts?)\//.test(f),
  );
  for (const f of flatPackages) found.push(hint("library", `package ${f.split("/")[0]}/`));
  for (const f of files.filter((f) => basename(f) === "py.typed")) found.push(hint("library", f));
  return found;
}

function dataScienceEvidence(declared: Set<string>, imports: Set<string>, files: string[]): Evidence[] {
  const found: Evidence[] = [];
  for (const { dist, module } of DATA_LIBRARIES) {
    const how = [
      declared.has(dist) ? `declares ${dist}` : "",
      imports.has(module) ? `imports ${module}` : "",
    ];
    if (how.every((h) => h === "")) continue;
    const weight = found.length < DATA_LIBRARY_CAP ? HINT : 0;
    found.push(marker("data-science", weight, how.filter(Boolean).join(", ")));
  }
  const dataFiles = files.filter((f) => DATA_FILE.test(f)).length;
  if (dataFiles > 0) found.push(hint("data-science", `${dataFiles} data file${dataFiles === 1 ? "" : "s"}`));
  return found;
}

/** `manage.py (+3)`; a data library past the cap shows that it was seen but not counted. */
function describe(e: Evidence): string {
  if (e.weight === 0) return `${e.text} (+0, at most ${DATA_LIBRARY_CAP} data libraries count)`;
  return `${e.text} (+${e.weight})`;
}

type FileReader = (path: string) => string | null;

/** Wraps the caller's reader so at most MAX_FILES_READ files are read and failures read as "no content". */
function limitedReader(readFile: ProjectTypeInput["readFile"]): FileReader {
  let budget = MAX_FILES_READ;
  return (path) => {
    if (!readFile || budget <= 0) return null;
    budget--;
    try {
      return readFile(path);
    } catch {
      return null;
    }
  };
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function depth(path: string): number {
  return path.split("/").length;
}
