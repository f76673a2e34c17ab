/**
 * `dhtl migrate tests`: finds unittest/nose test files, plans each rewrite (file by file, conversion by
 * conversion) and, when asked, writes them atomically after Python's own parser has accepted every result.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import { run } from "../core/exec.js";
import { readTextFileSync } from "../core/fs.js";
import { writeProjectFile } from "../core/safe-path.js";
import { findProjectRoot } from "../facts/root.js";
import { iniGet, parseIni } from "../formats/ini.js";
import { tryParseToml } from "../formats/toml.js";
import { tableAt } from "../formats/toml-table.js";
import { type Conversion, instantiatedHere, rewriteTestSource } from "../plan/migrate-tests/rewrite.js";
import { FileBackup } from "../run/file-backup.js";

export interface TestFilePlan {
  /** Root-relative posix path. */
  path: string;
  before: string;
  after: string;
  conversions: Conversion[];
  notes: string[];
}

export interface MigrateTestsPlan {
  root: string;
  /** Files that change, sorted by path. */
  files: TestFilePlan[];
  /** Files looked at that need nothing or could not be read, with why. */
  skipped: { path: string; reason: string }[];
}

/** Folders that never hold the project's own tests. */
const SKIP_DIRS = new Set(["node_modules", "build", "dist", "__pycache__", "site-packages", "venv", "env"]);

/** The plan for the project at (or above) `path`. */
export function planProjectTests(path: string): MigrateTestsPlan {
  return planMigrateTests(findProjectRoot(resolve(path)));
}

export function planMigrateTests(root: string): MigrateTestsPlan {
  const plan: MigrateTestsPlan = { root, files: [], skipped: [] };
  const texts = new Map<string, string>();
  for (const path of findTestFiles(root, pytestPythonFiles(root))) {
    const text = readTextFileSync(join(root, path), path);
    if (text.includes("\uFFFD")) plan.skipped.push({ path, reason: "not UTF-8" });
    else texts.set(path, text);
  }
  // A helper in one file may build another file's TestCase (`TestX("test_a")`): those keep their base.
  const instantiated = new Set([...texts.values()].flatMap((text) => [...instantiatedHere(text)]));
  const runByUnittest = !usesPytest(root);
  for (const [path, text] of texts) {
    if (!/\bunittest\b|\bnose\.tools\b/.test(text)) continue;
    const result = rewriteTestSource(text, { instantiated, runByUnittest });
    if (result.text === text) {
      plan.skipped.push({ path, reason: result.notes[0] ?? "nothing to convert" });
      continue;
    }
    plan.files.push({
      path,
      before: text,
      after: result.text,
      conversions: result.conversions,
      notes: result.notes,
    });
  }
  return plan;
}

/**
 * Writes the rewritten files. Refuses when a file changed since planning or when Python's parser rejects a
 * rewrite (a dhtl bug, never the user's): then nothing is written.
 */
export async function applyMigrateTests(plan: MigrateTestsPlan, python = "python3"): Promise<void> {
  for (const file of plan.files) {
    const now = readFileSync(join(plan.root, file.path), "utf8");
    if (now !== file.before) {
      throw new DhtlError("refused", "changed since the plan was made; nothing written", {
        file: file.path,
        hint: "Run `dhtl migrate tests` again.",
      });
    }
  }
  await checkSyntax(plan, python);
  const backup = new FileBackup(plan.root);
  try {
    for (const file of plan.files) {
      backup.remember(file.path);
      writeProjectFile(plan.root, file.path, file.after);
    }
    // Done: the journal must not outlive the run, or the next setup would "restore" the old files.
    backup.commit();
  } catch (error) {
    backup.restore();
    throw error;
  }
}

/** Parses (never runs) every rewritten file with CPython's `ast`: the real grammar is the judge. */
async function checkSyntax(plan: MigrateTestsPlan, python: string): Promise<void> {
  if (plan.files.length === 0) return;
  const script = [
    "import ast, json, sys",
    "bad = []",
    "for path, text in json.load(sys.stdin):",
    "    try:",
    "        ast.parse(text, path)",
    "    except SyntaxError as e:",
    "        bad.append([path, e.lineno or 0, e.msg])",
    "print(json.dumps(bad))",
  ].join("\n");
  const input = JSON.stringify(plan.files.map((f) => [f.path, f.after]));
  const result = await run(python, ["-c", script], { input, timeoutMs: 60_000 });
  if (result.notFound) {
    throw new DhtlError("toolFailed", `${python} not found: cannot check the rewritten files`, {
      hint: "Run `dhtl setup` first, or put python3 on PATH.",
    });
  }
  if (result.code !== 0)
    throw new DhtlError("toolFailed", `${python} failed: ${result.stderr.trim().split("\n").at(-1)}`);
  const bad = JSON.parse(result.stdout) as [string, number, string][];
  const [first] = bad;
  if (first) {
    throw new DhtlError("internal", `the rewrite would not parse (${first[2]}); nothing written`, {
      file: first[0],
      line: first[1],
      hint: "Please report this with the file attached.",
    });
  }
}

/**
 * The project's own `python_files` (pytest.ini, tox.ini [pytest], setup.cfg [tool:pytest], pyproject
 * [tool.pytest.ini_options]), or null when it sets none.
 */
export function pytestPythonFiles(root: string): string[] | null {
  const read = (name: string) =>
    existsSync(join(root, name)) ? readTextFileSync(join(root, name), name) : null;
  const pyproject = read("pyproject.toml");
  if (pyproject) {
    const value = tryParseToml(pyproject).doc?.tool;
    const option = tableAt({ t: value }, ["t", "pytest", "ini_options"])?.python_files;
    if (typeof option === "string") return option.split(/\s+/).filter(Boolean);
    if (Array.isArray(option)) return option.filter((v): v is string => typeof v === "string");
  }
  for (const [name, section] of [
    ["pytest.ini", "pytest"],
    [".pytest.ini", "pytest"],
    ["tox.ini", "pytest"],
    ["setup.cfg", "tool:pytest"],
  ] as const) {
    const text = read(name);
    if (!text) continue;
    const option = iniGet(parseIni(text, name), section, "python_files");
    if (option) return option.value.split(/\s+/).filter(Boolean);
  }
  return null;
}

/**
 * Test files as pytest finds them: the project's `python_files` patterns when it sets them, else `test_*.py`,
 * `*_test.py`, Django's `tests.py` and every `.py` under a `tests`/`test` folder; hidden and build folders skipped.
 */
export function findTestFiles(root: string, pythonFiles: string[] | null = null): string[] {
  const patterns = (pythonFiles ?? ["test_*.py", "*_test.py", "tests.py"]).map(globToRegExp);
  const isTestFile = (name: string, inTests: boolean) =>
    patterns.some((p) => p.test(name)) || (pythonFiles === null && inTests);
  const found: string[] = [];
  const walk = (dir: string, rel: string, inTests: boolean) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (entry.name.startsWith(".") || SKIP_DIRS.has(entry.name)) continue;
        if (existsSync(join(dir, entry.name, "pyvenv.cfg"))) continue;
        walk(join(dir, entry.name), path, inTests || entry.name === "tests" || entry.name === "test");
      } else if (entry.isFile() && entry.name.endsWith(".py")) {
        if (isTestFile(entry.name, inTests)) found.push(path);
      }
    }
  };
  walk(root, "", false);
  return found.sort();
}

/** Files where a project that runs pytest says so: its config, conftest.py, or pytest in its manifests. */
const PYTEST_HINTS = [
  "conftest.py",
  "pytest.ini",
  ".pytest.ini",
  "tox.ini",
  "setup.cfg",
  "pyproject.toml",
  "setup.py",
  "Pipfile",
  "noxfile.py",
];

function usesPytest(root: string): boolean {
  if (existsSync(join(root, "conftest.py")) || existsSync(join(root, "tests", "conftest.py"))) return true;
  const files = [...PYTEST_HINTS, ...readdirSync(root).filter((f) => /^requirements.*\.(txt|in)$/.test(f))];
  if (existsSync(join(root, "requirements"))) {
    for (const f of readdirSync(join(root, "requirements"))) files.push(`requirements/${f}`);
  }
  return files.some((name) => {
    const path = join(root, name);
    return existsSync(path) && statSync(path).isFile() && /\bpytest\b/.test(readTextFileSync(path, name));
  });
}

/** An fnmatch pattern (`test_*.py`, `check?.py`) as a RegExp over a file name. */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}
