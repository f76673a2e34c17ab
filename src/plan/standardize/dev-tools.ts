/**
 * The standard dev tools dhtl puts in a project's `dev` dependency group, by project type. A tool the project
 * already declares anywhere (any group, extra or requirements file) is left exactly as written, so nothing is
 * ever downgraded or pinned differently.
 */

import type { ProjectTypeName } from "../../facts/types.js";
import { normalizeName } from "../../pep/names.js";

export const STANDARD_DEV_TOOLS = ["pytest", "pytest-cov", "mypy", "ruff", "pre-commit"];

/** Extra tools a kind of project needs for its tests and checks to run. */
export const DEV_TOOLS_BY_TYPE: Partial<Record<ProjectTypeName, string[]>> = {
  django: ["pytest-django"],
  fastapi: ["pytest-asyncio", "httpx"],
  "data-science": ["nbqa", "jupyter"],
  jupyter: ["nbqa", "jupyter"],
};

/** The tools a project of this type should have, in a stable order; black only when it already uses black. */
export function wantedDevTools(type: ProjectTypeName, usesBlack: boolean): string[] {
  return [...STANDARD_DEV_TOOLS, ...(DEV_TOOLS_BY_TYPE[type] ?? []), ...(usesBlack ? ["black"] : [])];
}

/** The wanted tools not yet declared under any spelling (`Pytest_Cov` is `pytest-cov`). */
export function missingDevTools(wanted: string[], declared: Iterable<string>): string[] {
  const have = new Set([...declared].map(normalizeName));
  return wanted.filter((tool) => !have.has(normalizeName(tool)));
}

/** The distribution name at the start of a PEP 508 string, normalised, or null for include tables and junk. */
export function requirementNameOf(entry: unknown): string | null {
  if (typeof entry !== "string") return null;
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry);
  return match?.[1] ? normalizeName(match[1]) : null;
}
