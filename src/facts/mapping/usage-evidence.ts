/**
 * How a project uses distributions without importing them, as words read from the files that run or
 * configure it: commands in Procfile, Dockerfile, compose files, Makefile, shell scripts, CI workflows,
 * tox/nox/invoke tasks, pre-commit hooks and package.json scripts; plugin and module names in tool
 * configuration (pytest, mypy, flake8, mkdocs, Sphinx's conf.py) and in settings modules (Django's
 * INSTALLED_APPS, MIDDLEWARE, database ENGINE). Dependency lists are left out (`pip install x` lines,
 * `deps =`, `[options]`, requirements files): naming a distribution there says nothing about its use.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { tryParseToml } from "../../formats/toml.js";
import { isTable } from "../../formats/toml-table.js";

export interface UsageEvidence {
  /** Word (command, module, plugin name) → the first file that names it. */
  words: Map<string, string>;
  hasNotebooks: boolean;
  /** Test files exist (pytest collects them even when no manifest names pytest). */
  hasTests: boolean;
  /** Files that configure a host program (`docs/conf.py` → sphinx, `mkdocs.yml` → mkdocs), by host. */
  hostConfigs: Map<string, string>;
}

const MAX_BYTES = 512 * 1024;

/** Files whose every line (bar installs) is evidence: what they run. */
const COMMAND_FILE =
  /^(?:Procfile(?:\..+)?|(?:.+\.)?Dockerfile(?:\..+)?|.+\.dockerfile|(?:docker-)?compose(?:[.-].+)?\.ya?ml|[Mm]akefile|GNUmakefile|[Jj]ustfile|.+\.sh|noxfile\.py|tasks\.py|fabfile\.py|\.pre-commit-config\.ya?ml|\.gitlab-ci\.yml|\.travis\.yml|azure-pipelines\.ya?ml|bitbucket-pipelines\.yml|appveyor\.ya?ml|app\.json|fly\.toml|render\.ya?ml|railway\.(?:json|toml)|supervisord\.conf|uwsgi\.ini|gunicorn\.conf\.py|pytest\.ini|mypy\.ini|\.flake8|\.?pylintrc|\.coveragerc|\.isort\.cfg|mkdocs\.ya?ml|\.readthedocs\.ya?ml|alembic\.ini|devcontainer\.json|conf\.py|conftest\.py|settings\.py|celeryconfig\.py|.+_settings\.py)$/;

/** Directories whose files may be evidence, besides the root (and nested projects' roots). */
const EVIDENCE_DIRS = [
  ".github/workflows",
  ".circleci",
  ".devcontainer",
  "docs",
  "doc",
  "docs/source",
  "doc/source",
  "scripts",
  "bin",
  "deploy",
  "docker",
  "ci",
  ".ci",
];

/** Directories whose YAML and JSON files are CI or container configuration, whatever their names. */
const CI_DIRS = new Set([".github/workflows", ".circleci", ".devcontainer"]);

/** Directories of scripts whose files may have no extension. */
const SCRIPT_DIRS = new Set(["scripts", "bin", "ci", ".ci"]);

/** Lines that install rather than run: the names on them are dependencies, not uses. */
const INSTALL_LINE =
  /\b(?:pip3?|uv pip|pipx|poetry|pdm|conda|mamba|micromamba|apt(?:-get)?|apk|brew|yum|dnf|npm|yarn)\s+(?:install|add|i)\b|additional_dependencies|session\.install\(/;

/** Reads the evidence of a project at `root`; `python` and `notebooks` are its source files (root-relative). */
export function collectUsageEvidence(
  root: string,
  files: { python: readonly string[]; notebooks: readonly string[] },
  projectDirs: readonly string[] = [],
): UsageEvidence {
  const evidence: UsageEvidence = {
    words: new Map(),
    hasNotebooks: files.notebooks.length > 0,
    hasTests: files.python.some((file) => /(^|\/)(test_[^/]*|[^/]*_test|conftest)\.py$/.test(file)),
    hostConfigs: new Map(),
  };
  const seen = new Set<string>();
  const read = (path: string) => {
    if (seen.has(path)) return;
    seen.add(path);
    const text = readSmall(join(root, path));
    if (text !== null) addFile(evidence, path, text);
  };
  for (const dir of ["", ...projectDirs]) {
    for (const sub of ["", ...EVIDENCE_DIRS]) {
      const path = sub === "" ? dir : dir === "" ? sub : `${dir}/${sub}`;
      const scriptDir = SCRIPT_DIRS.has(sub);
      const ciDir = CI_DIRS.has(sub);
      for (const name of listDir(join(root, path))) {
        const file = path === "" ? name : `${path}/${name}`;
        // Scripts in scripts/ and bin/ often have no extension (`scripts/publish`); CI files any name.
        if (
          COMMAND_FILE.test(name) ||
          CONFIG_FILES.has(name) ||
          (scriptDir && !name.includes(".")) ||
          (ciDir && /\.(ya?ml|json)$/.test(name))
        )
          read(file);
      }
    }
  }
  // Settings modules and Sphinx configurations anywhere in the code: by name, below a `settings/`
  // directory, and the DJANGO_SETTINGS_MODULE that manage.py, wsgi.py, asgi.py or pytest name (with the
  // modules beside it, which split settings import).
  const settingsDirs = new Set(djangoSettingsModules(root, files.python).map((file) => posix.dirname(file)));
  let budget = MAX_SETTINGS_FILES;
  for (const file of files.python) {
    const base = posix.basename(file);
    const byName = /^(settings|conf|conftest|celeryconfig|gunicorn\.conf)\.py$|_settings\.py$/.test(base);
    const beside = settingsDirs.has(posix.dirname(file)) || /(^|\/)settings\//.test(file);
    if (byName || (beside && budget-- > 0)) read(file);
  }
  return evidence;
}

/** INI options that list modules for a tool's own bookkeeping (isort's sections), not uses. */
const NOT_USES = /^\s*(known[-_]\w+|extra[-_]standard[-_]library|forced[-_]separate)\s*[=:]/;
const INI_FILES =
  /^(\.flake8|pytest\.ini|mypy\.ini|\.?pylintrc|\.coveragerc|\.isort\.cfg|alembic\.ini|uwsgi\.ini|supervisord\.conf)$/;

/** Settings files read at most besides those named settings.py, so a big settings tree stays cheap. */
const MAX_SETTINGS_FILES = 80;

/** The files of the settings modules DJANGO_SETTINGS_MODULE names in the usual places. */
function djangoSettingsModules(root: string, python: readonly string[]): string[] {
  const places = python.filter((file) => /(^|\/)(manage|wsgi|asgi)\.py$/.test(file));
  const texts = [...places, "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini"].map(
    (file) => readSmall(join(root, file)) ?? "",
  );
  const modules = new Set<string>();
  for (const text of texts) {
    for (const match of text.matchAll(/DJANGO_SETTINGS_MODULE["']?\s*[,=:]\s*["']?([A-Za-z_][\w.]*)/g))
      modules.add(match[1] as string);
  }
  const known = new Set(python);
  const found: string[] = [];
  for (const module of modules) {
    const path = module.replace(/\./g, "/");
    for (const prefix of ["", "src/"]) {
      if (known.has(`${prefix}${path}.py`)) found.push(`${prefix}${path}.py`);
      if (known.has(`${prefix}${path}/__init__.py`)) found.push(`${prefix}${path}/__init__.py`);
    }
  }
  return found;
}

/** Files read section by section: only the parts that configure tools, not those listing dependencies. */
const CONFIG_FILES = new Set(["pyproject.toml", "setup.cfg", "tox.ini", "Pipfile", "package.json"]);

function addFile(evidence: UsageEvidence, path: string, text: string): void {
  const base = posix.basename(path);
  if (base === "conf.py") evidence.hostConfigs.set("sphinx", path);
  if (/^mkdocs\.ya?ml$/.test(base)) evidence.hostConfigs.set("mkdocs", path);
  if (base === "conftest.py" || base === "pytest.ini") evidence.hostConfigs.set("pytest", path);
  if (base === ".flake8") evidence.hostConfigs.set("flake8", path);
  if (base === ".pre-commit-config.yaml" || base === ".pre-commit-config.yml")
    evidence.hostConfigs.set("pre-commit", path);
  let relevant: string;
  if (base === "pyproject.toml") relevant = pyprojectToolText(text);
  else if (base === "setup.cfg")
    relevant = iniSections(text, (section) => !/^(metadata|options(\..*)?)$/.test(section), NOT_USES);
  else if (base === "tox.ini") relevant = iniSections(text, () => true, /^\s*deps\s*=|^\s*known[-_]\w+\s*=/);
  else if (INI_FILES.test(base)) relevant = iniSections(text, () => true, NOT_USES);
  else if (base === "Pipfile") relevant = iniSections(text, (section) => section === "scripts");
  else if (base === "package.json") relevant = packageScripts(text);
  else relevant = text;
  for (const line of relevant.split("\n")) {
    if (INSTALL_LINE.test(line)) continue;
    for (const match of line.matchAll(/[A-Za-z_][A-Za-z0-9_.+-]*/g)) {
      const word = match[0].replace(/[.+-]+$/, "");
      addWord(evidence, word, path);
      // `uvicorn.workers.UvicornWorker`, `mypy_django_plugin.main`: the top-level module counts too.
      if (word.includes(".")) addWord(evidence, word.split(".")[0] as string, path);
    }
  }
  if (base === "pyproject.toml" || base === "setup.cfg" || base === "tox.ini") {
    if (/\[(tool\.pytest|tool:pytest|pytest)/.test(text)) evidence.hostConfigs.set("pytest", path);
    if (/\[(tool\.mypy|mypy)/.test(text)) evidence.hostConfigs.set("mypy", path);
    if (/\[flake8\]/.test(text)) evidence.hostConfigs.set("flake8", path);
  }
}

function addWord(evidence: UsageEvidence, word: string, file: string): void {
  if (word.length >= 2 && !evidence.words.has(word)) evidence.words.set(word, file);
}

/** Keys that list dependencies, or modules for bookkeeping (isort sections, mypy overrides). */
const SKIPPED_TOOL_KEYS =
  /^(dependencies|dev-dependencies|optional-dependencies|dependency-groups|group|groups|extras|requires|extra-dependencies|source|sources|packages|include|exclude|module|modules|known[-_].*|extra[-_]standard[-_]library|forced[-_]separate)$/;

/**
 * The `[tool.*]` tables of a pyproject.toml as text, without the keys that list dependencies
 * (Poetry/PDM/uv dependency tables, Hatch environment dependencies).
 */
function pyprojectToolText(text: string): string {
  const data = tryParseToml(text).doc;
  const strings: string[] = [];
  const walk = (value: unknown, key: string) => {
    if (SKIPPED_TOOL_KEYS.test(key)) return;
    if (typeof value === "string") strings.push(value);
    else if (Array.isArray(value)) for (const item of value) walk(item, "");
    else if (isTable(value))
      for (const [k, v] of Object.entries(value)) {
        strings.push(k);
        walk(v, k);
      }
  };
  if (isTable(data) && isTable(data.tool)) walk(data.tool, "tool");
  return strings.join("\n");
}

/** The lines of the INI sections `keep` accepts, leaving out options (and their continuations) matching `skip`. */
function iniSections(text: string, keep: (section: string) => boolean, skip?: RegExp): string {
  const lines: string[] = [];
  let kept = false;
  let skipping = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) {
      kept = keep((header[1] as string).trim());
      skipping = false;
      continue;
    }
    if (skip?.test(line)) {
      skipping = true;
      continue;
    }
    if (skipping && /^\s+\S/.test(line)) continue;
    skipping = false;
    if (kept) lines.push(line);
  }
  return lines.join("\n");
}

function packageScripts(text: string): string {
  try {
    const data = JSON.parse(text) as { scripts?: unknown };
    return isTable(data.scripts)
      ? Object.values(data.scripts)
          .filter((v) => typeof v === "string")
          .join("\n")
      : "";
  } catch {
    return "";
  }
}

function listDir(path: string): string[] {
  try {
    return readdirSync(path).sort();
  } catch {
    return [];
  }
}

function readSmall(path: string): string | null {
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_BYTES || bytes.includes(0)) return null;
    return bytes.toString("utf8");
  } catch {
    return null;
  }
}
