/**
 * Operating-system packages a project's Python distributions need, per package manager and phase.
 * The knowledge lives in table.ts; this module answers questions about it.
 */

import { compareText } from "../../core/compare.js";
import { normalizeName } from "../../pep/names.js";
import type { SystemDependency } from "../types.js";
import { NATIVE_LIBRARIES, NINJA_TOOL } from "./native-libraries.js";
import { isValidSystemPackageName } from "./package-names.js";
import { PKG_CONFIG } from "./packages.js";
import { COMPILER, MANAGERS, type PackagesByManager, SYSTEM_NEEDS, type TableManager } from "./table.js";

export { isValidSystemPackageName } from "./package-names.js";
export { MANAGERS, type SystemPackageManager } from "./table.js";

/**
 * System packages for `distributions` (names or PEP 508 strings; `psycopg[c]` counts its extra), for
 * the given managers (default: all, yum answering with dnf's names). Sorted by manager, phase, package
 * and distribution; one entry per (manager, phase, package, distribution).
 */
export function systemDependenciesFor(
  distributions: string[],
  managers: readonly string[] = MANAGERS,
): SystemDependency[] {
  const seen = new Set<string>();
  const result: SystemDependency[] = [];
  for (const entry of distributions) {
    for (const key of tableKeys(entry)) {
      const needs = SYSTEM_NEEDS[key];
      if (!needs) continue;
      const because = key;
      for (const manager of managers) {
        const source = tableManager(manager);
        if (!source) continue;
        const build = [...(needs.build?.[source] ?? []), ...(needs.compiles ? (COMPILER[source] ?? []) : [])];
        const phases: [SystemDependency["phase"], string[]][] = [
          ["build", build],
          ["runtime", needs.runtime?.[source] ?? []],
        ];
        for (const [phase, names] of phases) {
          for (const name of names) {
            const id = `${manager}\0${phase}\0${name}\0${because}`;
            if (seen.has(id) || !isValidSystemPackageName(manager, name)) continue;
            seen.add(id);
            result.push({ name, manager, because, phase });
          }
        }
      }
    }
  }
  return result.sort(
    (a, b) =>
      compareText(a.manager, b.manager) ||
      compareText(a.phase, b.phase) ||
      compareText(a.name, b.name) ||
      compareText(a.because, b.because),
  );
}

/** Distributions the table knows, normalised, sorted. */
export function knownDistributions(): string[] {
  return Object.keys(SYSTEM_NEEDS).sort();
}

/** Every package name the table holds for one manager (for checks against the manager's index). */
export function packageNamesFor(manager: string): string[] {
  const source = tableManager(manager);
  if (!source) return [];
  const names = new Set<string>(COMPILER[source] ?? []);
  for (const needs of Object.values(SYSTEM_NEEDS)) {
    for (const list of [needs.build, needs.runtime] as (PackagesByManager | undefined)[])
      for (const name of list?.[source] ?? []) names.add(name);
  }
  // The project's own build needs (native-libraries.ts) are checked with the same rules.
  for (const list of [PKG_CONFIG, NINJA_TOOL, ...Object.values(NATIVE_LIBRARIES).map((l) => l.build)])
    for (const name of list[source] ?? []) names.add(name);
  return [...names].sort();
}

/** `Psycopg[c,pool]>=3` → [`psycopg`, `psycopg[c]`, `psycopg[pool]`]. */
function tableKeys(entry: string): string[] {
  const match = entry.trim().match(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?/);
  if (!match?.[1]) return [];
  const name = normalizeName(match[1]);
  const extras = (match[2] ?? "")
    .split(",")
    .map((extra) => normalizeName(extra.trim()))
    .filter(Boolean);
  return [name, ...extras.map((extra) => `${name}[${extra}]`)];
}

function tableManager(manager: string): TableManager | null {
  if (manager === "yum") return "dnf";
  return (MANAGERS as readonly string[]).includes(manager) ? (manager as TableManager) : null;
}
