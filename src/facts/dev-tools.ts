/**
 * The development tools a project runs that are not (necessarily) among its dependencies: pre-commit (a
 * `.pre-commit-config.yaml`) and the commands its local hooks call, tox (`tox.ini`, `[tool.tox]`,
 * `[tox:tox]`), nox (`noxfile.py`), and ruff, black, mypy, isort and flake8 where their configuration is.
 * Only tools from the table below are ever named: a checkout's files choose among them, never the name of
 * something to install.
 *
 * Read-only and static: YAML, TOML and INI are parsed, nothing is run. A file that cannot be parsed is a
 * warning (the tool itself will say more when it runs), never a reason to stop a build.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, parseDocument } from "yaml";
import { compareText } from "../core/compare.js";
import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { isDhtlError } from "../core/errors.js";
import { lineOf, readTextFileSync } from "../core/fs.js";
import { type IniDocument, parseIni } from "../formats/ini.js";
import { tryParseToml } from "../formats/toml.js";
import { type Table, tableAt } from "../formats/toml-table.js";
import { isValidVersion } from "../pep/pep440.js";

/** One tool the project's files show it runs. */
export interface DevToolUse {
  /** The PyPI distribution (normalised): also the key in `.dhtconfig` `tools:`. */
  name: string;
  /** Where the project shows it (`.pre-commit-config.yaml:12 (local hook ruff-check)`, `[tool.ruff] in pyproject.toml`). */
  evidence: string[];
  /** A version the project's own files name for it (a pre-commit mirror's `rev`, ruff's `required-version`). */
  versionHint: string | null;
}

export interface DevToolFacts {
  tools: DevToolUse[];
  diagnostics: Diagnostic[];
}

interface KnownTool {
  /** Commands the distribution installs that a hook's `entry` may start with. */
  commands: string[];
  /** Configuration files of its own. */
  files?: string[];
  /** Its table in pyproject.toml. */
  pyproject?: string[];
  /** Its sections in setup.cfg / tox.ini. */
  ini?: { file: "setup.cfg" | "tox.ini"; section: string }[];
  /** pre-commit hook repositories whose `rev` is this tool's version (mirrors). */
  mirrors?: string[];
}

/** The tools dhtl provisions, by distribution name. */
export const KNOWN_DEV_TOOLS: Record<string, KnownTool> = {
  "pre-commit": { commands: ["pre-commit"] },
  tox: { commands: ["tox"] },
  nox: { commands: ["nox"] },
  ruff: {
    commands: ["ruff"],
    files: ["ruff.toml", ".ruff.toml"],
    pyproject: ["tool", "ruff"],
    mirrors: ["astral-sh/ruff-pre-commit", "charliermarsh/ruff-pre-commit"],
  },
  black: {
    commands: ["black", "blackd"],
    pyproject: ["tool", "black"],
    mirrors: ["psf/black", "psf/black-pre-commit-mirror"],
  },
  mypy: {
    commands: ["mypy", "dmypy"],
    files: ["mypy.ini", ".mypy.ini"],
    pyproject: ["tool", "mypy"],
    ini: [{ file: "setup.cfg", section: "mypy" }],
    mirrors: ["pre-commit/mirrors-mypy"],
  },
  isort: {
    commands: ["isort"],
    files: [".isort.cfg"],
    pyproject: ["tool", "isort"],
    ini: [
      { file: "setup.cfg", section: "isort" },
      { file: "setup.cfg", section: "tool:isort" },
      { file: "tox.ini", section: "isort" },
    ],
    mirrors: ["pycqa/isort", "timothycrosley/isort"],
  },
  flake8: {
    commands: ["flake8"],
    files: [".flake8"],
    ini: [
      { file: "setup.cfg", section: "flake8" },
      { file: "tox.ini", section: "flake8" },
    ],
    mirrors: ["pycqa/flake8"],
  },
};

export const PRE_COMMIT_CONFIG = ".pre-commit-config.yaml";

/** Hook languages whose `entry` runs a command found on PATH (or, for `python`, maybe in its own env). */
const PATH_LANGUAGES = new Set(["system", "unsupported", "python", "script"]);

/** Reads the project's files for the tools it runs; sorted by name, each once. */
export function detectDevTools(root: string): DevToolFacts {
  const found = new Map<string, DevToolUse>();
  const diagnostics: Diagnostic[] = [];
  const use = (name: string, evidence: string, versionHint: string | null = null) => {
    const tool = found.get(name) ?? { name, evidence: [], versionHint: null };
    if (!tool.evidence.includes(evidence)) tool.evidence.push(evidence);
    tool.versionHint ??= versionHint;
    found.set(name, tool);
  };
  const files = new ProjectFiles(root, diagnostics);

  const preCommit = files.text(PRE_COMMIT_CONFIG);
  const hints = new Map<string, string>();
  if (preCommit !== null) {
    use("pre-commit", PRE_COMMIT_CONFIG);
    for (const hook of preCommitHooks(preCommit, diagnostics)) {
      if (hook.repo !== "local") {
        const mirrored = mirrorTool(hook.repo);
        const version = hook.rev ? revAsVersion(hook.rev) : null;
        if (mirrored && version) hints.set(mirrored, version);
        continue;
      }
      const tool = localHookTool(hook);
      if (tool) use(tool, `${PRE_COMMIT_CONFIG}:${hook.line} (local hook ${hook.id})`);
    }
  }

  const pyproject = files.toml("pyproject.toml");
  const setupCfg = files.ini("setup.cfg");
  const toxIni = files.ini("tox.ini");
  if (toxIni && [...toxIni.sections.keys()].some((name) => name === "tox" || name.startsWith("testenv")))
    use("tox", "tox.ini");
  if (pyproject && tableAt(pyproject, ["tool", "tox"])) use("tox", "[tool.tox] in pyproject.toml");
  if (setupCfg?.sections.has("tox:tox")) use("tox", "[tox:tox] in setup.cfg");
  if (files.exists("noxfile.py")) use("nox", "noxfile.py");

  for (const [name, known] of Object.entries(KNOWN_DEV_TOOLS)) {
    for (const file of known.files ?? []) if (files.exists(file)) use(name, file);
    if (known.pyproject && pyproject && tableAt(pyproject, known.pyproject)) {
      use(
        name,
        `[${known.pyproject.join(".")}] in pyproject.toml`,
        requiredVersion(pyproject, known.pyproject),
      );
    }
    for (const { file, section } of known.ini ?? []) {
      const doc = file === "setup.cfg" ? setupCfg : toxIni;
      if (doc?.sections.has(section)) use(name, `[${section}] in ${file}`);
    }
  }
  // A mirror's rev says which version the hooks run: the tool on PATH should be the same one.
  for (const tool of found.values()) tool.versionHint ??= hints.get(tool.name) ?? null;
  return {
    tools: [...found.values()].sort((a, b) => compareText(a.name, b.name)),
    diagnostics,
  };
}

interface PreCommitHook {
  repo: string;
  rev: string | null;
  id: string;
  entry: string | null;
  language: string | null;
  additionalDependencies: string[];
  line: number;
}

/** Every hook of every repo in `.pre-commit-config.yaml`, with the line it starts on. */
export function preCommitHooks(text: string, diagnostics: Diagnostic[] = []): PreCommitHook[] {
  const doc = parseDocument(text, { prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const message = `cannot read: ${first.message.split("\n")[0]}`;
    diagnostics.push(diagnostic("warning", PRE_COMMIT_CONFIG, message, first.linePos?.[0]?.line ?? null));
    return [];
  }
  const hooks: PreCommitHook[] = [];
  const repos = doc.get("repos", true);
  if (!isSeq(repos)) return hooks;
  for (const repoNode of repos.items) {
    if (!isMap(repoNode)) continue;
    const repo = repoNode.get("repo");
    const rev = repoNode.get("rev");
    const hookList = repoNode.get("hooks", true);
    if (typeof repo !== "string" || !isSeq(hookList)) continue;
    for (const hookNode of hookList.items) {
      if (!isMap(hookNode)) continue;
      const id = hookNode.get("id");
      if (typeof id !== "string") continue;
      const entry = hookNode.get("entry");
      const language = hookNode.get("language");
      const dependencies = hookNode.get("additional_dependencies", true);
      hooks.push({
        repo,
        rev: typeof rev === "string" ? rev : null,
        id,
        entry: typeof entry === "string" ? entry : null,
        language: typeof language === "string" ? language : null,
        additionalDependencies: isSeq(dependencies)
          ? dependencies.items.flatMap((item) => (isScalar(item) ? [String(item.value)] : []))
          : [],
        line: hookNode.range ? lineOf(text, hookNode.range[0]) : 1,
      });
    }
  }
  return hooks;
}

/** The known tool a local hook's entry runs from PATH, or null (its own script, or one pre-commit installs). */
function localHookTool(hook: PreCommitHook): string | null {
  if (!hook.language || !PATH_LANGUAGES.has(hook.language) || !hook.entry) return null;
  const command = hook.entry.trim().split(/\s+/)[0]?.split("/").pop() ?? "";
  const tool = Object.entries(KNOWN_DEV_TOOLS).find(([, known]) => known.commands.includes(command))?.[0];
  if (!tool) return null;
  // A python hook whose additional_dependencies bring the tool runs pre-commit's own copy.
  if (hook.language === "python" && hook.additionalDependencies.some((dep) => startsWithName(dep, tool)))
    return null;
  return tool;
}

function startsWithName(requirement: string, name: string): boolean {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(requirement);
  return match?.[1]?.toLowerCase().replace(/[-_.]+/g, "-") === name;
}

/** The tool a hook repository mirrors (`https://github.com/astral-sh/ruff-pre-commit` → ruff). */
function mirrorTool(repo: string): string | null {
  const path = repo
    .toLowerCase()
    .replace(/\.git$/, "")
    .replace(/\/+$/, "")
    .split("/")
    .slice(-2)
    .join("/");
  return Object.entries(KNOWN_DEV_TOOLS).find(([, known]) => known.mirrors?.includes(path))?.[0] ?? null;
}

/** `required-version = "0.4.4"` (or `==0.4.4`) in the tool's table: an exact version the project asks for. */
function requiredVersion(pyproject: Table, path: string[]): string | null {
  const value = tableAt(pyproject, path)?.["required-version"];
  if (typeof value !== "string") return null;
  const version = value.trim().replace(/^==\s*/, "");
  return /^\d+(\.\d+)+$/.test(version) && isValidVersion(version) ? version : null;
}

/** A pre-commit `rev` as a version (`v0.4.4` → `0.4.4`), or null when it is a branch or a hash. */
export function revAsVersion(rev: string): string | null {
  const version = rev.trim().replace(/^v/, "");
  return /^\d+(\.\d+)+$/.test(version) && isValidVersion(version) ? version : null;
}

/** Reads the few files detection needs, each at most once; an unreadable one becomes a warning. */
class ProjectFiles {
  private readonly texts = new Map<string, string | null>();

  constructor(
    private readonly root: string,
    private readonly diagnostics: Diagnostic[],
  ) {}

  exists(file: string): boolean {
    return existsSync(join(this.root, file));
  }

  text(file: string): string | null {
    if (!this.texts.has(file)) {
      let text: string | null = null;
      if (this.exists(file)) {
        try {
          text = readTextFileSync(join(this.root, file), file);
        } catch (error) {
          this.warn(file, error);
        }
      }
      this.texts.set(file, text);
    }
    return this.texts.get(file) ?? null;
  }

  toml(file: string): Table | null {
    const text = this.text(file);
    if (text === null) return null;
    const result = tryParseToml(text);
    return result.doc ?? null;
  }

  ini(file: string): IniDocument | null {
    const text = this.text(file);
    if (text === null) return null;
    try {
      return parseIni(text, file);
    } catch (error) {
      this.warn(file, error);
      return null;
    }
  }

  private warn(file: string, error: unknown): void {
    if (!isDhtlError(error)) throw error;
    this.diagnostics.push(diagnostic("warning", file, `cannot read: ${error.message}`, error.line ?? null));
  }
}

/** The hook types pre-commit installs by default for the project (`default_install_hook_types`). */
export const PRE_COMMIT_HOOK_TYPES = [
  "pre-commit",
  "pre-merge-commit",
  "pre-push",
  "prepare-commit-msg",
  "commit-msg",
  "post-checkout",
  "post-commit",
  "post-merge",
  "post-rewrite",
  "pre-rebase",
];

/** `default_install_hook_types` of a `.pre-commit-config.yaml` (only the types pre-commit knows), else `pre-commit`. */
export function preCommitHookTypes(text: string): string[] {
  const doc = parseDocument(text, { prettyErrors: false });
  const types = doc.errors.length > 0 ? null : doc.get("default_install_hook_types", true);
  const listed = isSeq(types)
    ? types.items.flatMap((item) => (isScalar(item) && typeof item.value === "string" ? [item.value] : []))
    : [];
  const known = listed.filter((type) => PRE_COMMIT_HOOK_TYPES.includes(type));
  return known.length > 0 ? [...new Set(known)].sort() : ["pre-commit"];
}
