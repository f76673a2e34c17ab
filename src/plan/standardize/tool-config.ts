/**
 * Tool configuration in pyproject.toml: ruff and mypy target the oldest Python the project supports, pytest
 * gets its test folder and strict markers. Settings already there win: a different value is reported as a
 * conflict and left alone; a tool configured in its own file (ruff.toml, mypy.ini, pytest.ini …) is not touched.
 */

import { isTomlPlain, type TableEdit, type TomlPlain } from "../../formats/toml-edit.js";
import { tableAt } from "../../formats/toml-table.js";
import { specifierAllows } from "../../pep/pep440.js";

export interface ToolConfigInput {
  /** pyproject.toml as parsed. */
  pyproject: Record<string, unknown>;
  requiresPython: string | null;
  /** The folder holding the tests (`tests`), or null. */
  testsDir: string | null;
  /** Root files that configure a tool on their own, with their text when it matters (setup.cfg, tox.ini). */
  otherConfig: Record<string, string>;
}

export interface ToolConfigPlan {
  edits: TableEdit[];
  conflicts: string[];
  notes: string[];
}

const CANDIDATE_MINORS = Array.from({ length: 9 }, (_, i) => `3.${i + 7}`);

/** The oldest Python minor (3.7–3.15) that `requires-python` allows, or null when it allows none or is absent. */
export function oldestSupportedMinor(requiresPython: string | null): string | null {
  if (!requiresPython) return null;
  const patches = [...Array.from({ length: 31 }, (_, i) => i), 99];
  return (
    CANDIDATE_MINORS.find((minor) =>
      patches.some((p) => specifierAllows(requiresPython, `${minor}.${p}`, { prereleases: true })),
    ) ?? null
  );
}

export function planToolConfig(input: ToolConfigInput): ToolConfigPlan {
  const plan: ToolConfigPlan = { edits: [], conflicts: [], notes: [] };
  const minor = oldestSupportedMinor(input.requiresPython);
  if (!minor)
    plan.notes.push("no usable requires-python: ruff target-version and mypy python_version not set");

  const ownFile = (names: string[], section?: RegExp): string | null =>
    names.find(
      (name) => name in input.otherConfig && (!section || section.test(input.otherConfig[name] ?? "")),
    ) ?? null;

  const ruffFile = ownFile(["ruff.toml", ".ruff.toml"]);
  if (ruffFile) plan.notes.push(`ruff is configured in ${ruffFile}; left as is`);
  else if (minor)
    merge(plan, input.pyproject, ["tool", "ruff"], { "target-version": `py${minor.replace(".", "")}` });

  const mypyFile = ownFile(["mypy.ini", ".mypy.ini"]) ?? ownFile(["setup.cfg"], /^\[mypy\]/m);
  if (mypyFile) plan.notes.push(`mypy is configured in ${mypyFile}; left as is`);
  else if (minor) merge(plan, input.pyproject, ["tool", "mypy"], { python_version: minor });

  const pytestFile =
    ownFile(["pytest.ini", ".pytest.ini"]) ??
    ownFile(["tox.ini"], /^\[pytest\]/m) ??
    ownFile(["setup.cfg"], /^\[tool:pytest\]/m);
  if (pytestFile) plan.notes.push(`pytest is configured in ${pytestFile}; left as is`);
  else planPytest(plan, input);
  return plan;
}

function planPytest(plan: ToolConfigPlan, input: ToolConfigInput): void {
  const path = ["tool", "pytest", "ini_options"];
  const current = tableAt(input.pyproject, path) ?? {};
  const wanted: Record<string, TomlPlain> = {};
  if (input.testsDir) wanted.testpaths = [input.testsDir];
  // `--strict-markers` is added to whatever addopts already holds: merging, not replacing.
  const addopts = current.addopts;
  if (addopts === undefined) wanted.addopts = "--strict-markers";
  else if (typeof addopts === "string" && !addopts.split(/\s+/).includes("--strict-markers")) {
    wanted.addopts = `${addopts.trim()} --strict-markers`.trim();
  } else if (Array.isArray(addopts) && !addopts.includes("--strict-markers")) {
    wanted.addopts = [...addopts.filter(isTomlPlain), "--strict-markers"];
  }
  merge(plan, input.pyproject, path, wanted, new Set(["addopts"]));
}

/** Adds the keys that are missing, reports the ones set differently; `replaceable` keys were merged already. */
function merge(
  plan: ToolConfigPlan,
  pyproject: Record<string, unknown>,
  table: string[],
  wanted: Record<string, TomlPlain>,
  replaceable: Set<string> = new Set(),
): void {
  const current = tableAt(pyproject, table) ?? {};
  const set: Record<string, TomlPlain> = {};
  for (const [key, value] of Object.entries(wanted)) {
    const existing = current[key];
    if (existing === undefined || replaceable.has(key)) set[key] = value;
    else if (JSON.stringify(existing) !== JSON.stringify(value)) {
      plan.conflicts.push(
        `[${table.join(".")}] ${key} is ${JSON.stringify(existing)}; dhtl would set ${JSON.stringify(value)} — left as is`,
      );
    }
  }
  if (Object.keys(set).length > 0) plan.edits.push({ table, set });
}
