/**
 * `dhtl standardize`: the standard dev tools in a `dev` dependency group, their configuration in
 * pyproject.toml and a pinned `.pre-commit-config.yaml`. Planning reads files and returns the new texts;
 * applying writes them atomically. A project that is already standard yields no change.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { readTextFileSync } from "../core/fs.js";
import { writeProjectFile } from "../core/safe-path.js";
import { collectCodeAnalysis, collectProject, declaredNames } from "../facts/collect.js";
import { supportedPythonRange } from "../facts/python-version.js";
import { findProjectRoot } from "../facts/root.js";
import type { ProjectTypeName } from "../facts/types.js";
import { parseToml } from "../formats/toml.js";
import { editToml, isTomlPlain, type TableEdit } from "../formats/toml-edit.js";
import { type Table, tableAt } from "../formats/toml-table.js";
import { normalizeName } from "../pep/names.js";
import { missingDevTools, requirementNameOf, wantedDevTools } from "../plan/standardize/dev-tools.js";
import { planPreCommit } from "../plan/standardize/pre-commit.js";
import { planToolConfig } from "../plan/standardize/tool-config.js";
import { FileBackup } from "../run/file-backup.js";
import { lockProject } from "../run/migrate-lock.js";
import { ensureUv } from "../run/uv.js";

export interface StandardizeInput {
  root: string;
  projectType: ProjectTypeName;
  /** Used when pyproject.toml has no `requires-python` (e.g. setup.cfg's python_requires). */
  requiresPython?: string | null;
  /** Normalised names declared outside pyproject.toml (requirements-dev.txt …): not added again. */
  declaredElsewhere?: string[];
}

export interface FileChange {
  /** Root-relative path. */
  path: string;
  /** Content now, or null when the file is created. */
  before: string | null;
  after: string;
}

export interface StandardizePlan {
  root: string;
  changes: FileChange[];
  addedDevTools: string[];
  /** Settings the project has that differ from the standard: reported, never overwritten. */
  conflicts: string[];
  notes: string[];
}

const PYPROJECT = "pyproject.toml";
const PRE_COMMIT = ".pre-commit-config.yaml";
const OWN_CONFIG_FILES = [
  "ruff.toml",
  ".ruff.toml",
  "mypy.ini",
  ".mypy.ini",
  "pytest.ini",
  ".pytest.ini",
  "tox.ini",
  "setup.cfg",
];

/** Reads the project and its code (the project type picks the tools) and plans the changes. */
export async function standardizeProject(path: string): Promise<StandardizePlan> {
  const project = collectProject(findProjectRoot(path));
  const code = await collectCodeAnalysis(project, { imports: true });
  return planStandardize({
    root: project.root,
    projectType: code.type.name,
    requiresPython: supportedPythonRange(project.python.candidates),
    declaredElsewhere: declaredNames(project.project),
  });
}

export async function planStandardize(input: StandardizeInput): Promise<StandardizePlan> {
  const { root } = input;
  if (!existsSync(join(root, PYPROJECT))) {
    throw new DhtlError("badInput", "no pyproject.toml to standardize", {
      file: PYPROJECT,
      hint: "Run `dhtl migrate` first to create one from the project's manifests.",
    });
  }
  const pyprojectText = readTextFileSync(join(root, PYPROJECT), PYPROJECT);
  const pyproject = parseToml(pyprojectText, PYPROJECT);
  const preCommitText = existsSync(join(root, PRE_COMMIT))
    ? readTextFileSync(join(root, PRE_COMMIT), PRE_COMMIT)
    : null;
  const declared = new Set([...declaredIn(pyproject), ...(input.declaredElsewhere ?? []).map(normalizeName)]);
  const usesBlack =
    declared.has("black") ||
    tableAt(pyproject, ["tool", "black"]) !== null ||
    /psf\/black/.test(preCommitText ?? "");

  const plan: StandardizePlan = { root, changes: [], addedDevTools: [], conflicts: [], notes: [] };
  const edits: TableEdit[] = [];
  plan.addedDevTools = missingDevTools(wantedDevTools(input.projectType, usesBlack), declared);
  if (plan.addedDevTools.length > 0) edits.push(devGroupEdit(pyproject, plan.addedDevTools));

  const project = tableAt(pyproject, ["project"]);
  const requiresPython =
    typeof project?.["requires-python"] === "string"
      ? project["requires-python"]
      : (input.requiresPython ?? null);
  const config = planToolConfig({
    pyproject,
    requiresPython,
    testsDir: ["tests", "test"].find((dir) => isDirectory(join(root, dir))) ?? null,
    otherConfig: readOwnConfigFiles(root),
  });
  edits.push(...config.edits);
  plan.conflicts.push(...config.conflicts);
  plan.notes.push(...config.notes);

  const newPyproject = editToml(pyprojectText, edits, PYPROJECT);
  if (newPyproject !== pyprojectText)
    plan.changes.push({ path: PYPROJECT, before: pyprojectText, after: newPyproject });

  const preCommit = await planPreCommit(preCommitText, usesBlack);
  plan.notes.push(...preCommit.notes);
  if (preCommit.text !== null && preCommit.text !== preCommitText) {
    plan.changes.push({ path: PRE_COMMIT, before: preCommitText, after: preCommit.text });
  }
  return plan;
}

/**
 * Writes every change atomically. A file edited since planning stops the run before anything is written;
 * a failure half-way puts back the files already written. A project with a uv.lock is locked again with
 * the new dev group (`uv lock --check` must pass after standardize); if uv cannot lock, nothing stays changed.
 * Returns whether uv.lock was locked again.
 */
export async function applyStandardize(plan: StandardizePlan): Promise<{ relocked: boolean }> {
  for (const change of plan.changes) {
    const path = join(plan.root, change.path);
    const now = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (now !== change.before) {
      throw new DhtlError("refused", "changed since the plan was made; nothing written", {
        file: change.path,
        hint: "Run `dhtl standardize` again.",
      });
    }
  }
  const relock = plan.changes.some((c) => c.path === PYPROJECT) && existsSync(join(plan.root, "uv.lock"));
  const uv = relock ? (await ensureUv()).path : null;
  const backup = new FileBackup(plan.root);
  try {
    for (const change of plan.changes) {
      backup.remember(change.path);
      writeProjectFile(plan.root, change.path, change.after);
    }
    if (uv) {
      backup.remember("uv.lock");
      await lockProject(plan.root, uv);
    }
    // Done: the journal must not outlive the run, or the next setup would "restore" the old files.
    backup.commit();
  } catch (error) {
    backup.restore();
    throw error;
  }
  return { relocked: uv !== null };
}

/** The `dev` group (under any spelling PEP 735 treats as the same name) extended by the missing tools. */
function devGroupEdit(pyproject: Table, missing: string[]): TableEdit {
  const groups = tableAt(pyproject, ["dependency-groups"]) ?? {};
  const key = Object.keys(groups).find((name) => normalizeName(name) === "dev") ?? "dev";
  const entries = groups[key];
  const current = Array.isArray(entries) ? entries.filter(isTomlPlain) : [];
  return { table: ["dependency-groups"], set: { [key]: [...current, ...missing] } };
}

/** Every distribution name pyproject.toml declares, in any dialect dhtl knows. */
function declaredIn(pyproject: Table): string[] {
  const names: (string | null)[] = [];
  const list = (value: unknown) => (Array.isArray(value) ? value.map(requirementNameOf) : []);
  const keys = (value: unknown) => Object.keys(tableAt({ v: value }, ["v"]) ?? {}).map(normalizeName);
  const project = tableAt(pyproject, ["project"]);
  names.push(...list(project?.dependencies));
  for (const extra of Object.values(tableAt(pyproject, ["project", "optional-dependencies"]) ?? {}))
    names.push(...list(extra));
  for (const group of Object.values(tableAt(pyproject, ["dependency-groups"]) ?? {}))
    names.push(...list(group));
  names.push(...list(tableAt(pyproject, ["tool", "uv"])?.["dev-dependencies"]));
  for (const group of Object.values(tableAt(pyproject, ["tool", "pdm", "dev-dependencies"]) ?? {}))
    names.push(...list(group));
  const poetry = tableAt(pyproject, ["tool", "poetry"]);
  names.push(...keys(poetry?.dependencies), ...keys(poetry?.["dev-dependencies"]));
  for (const group of Object.values(tableAt(pyproject, ["tool", "poetry", "group"]) ?? {})) {
    names.push(...keys(tableAt({ g: group }, ["g", "dependencies"])));
  }
  return names.filter((n): n is string => n !== null && n !== "python");
}

function readOwnConfigFiles(root: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of OWN_CONFIG_FILES) {
    const path = join(root, name);
    if (existsSync(path)) found[name] = readTextFileSync(path, name);
  }
  return found;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
