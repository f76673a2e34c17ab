/**
 * Poetry's version constraint language → PEP 440 specifiers.
 *
 * Poetry adds `^` (caret), `~` (tilde), bare versions, `*` wildcards and `||` unions on top of PEP 440.
 * Everything except a union maps exactly onto one PEP 440 specifier set. A union cannot (PEP 440 has no
 * "or"), so for `||` we return the convex hull of the alternatives — every version any alternative allows
 * is allowed, and some versions none allows may be too — and flag the result as inexact so the caller can
 * raise a "needs review" diagnostic. Markers can express "or", so see `poetryToPythonMarker` for `python`.
 */

import { compareText } from "../../../core/compare.js";
import { compareVersions } from "../../../pep/pep440.js";

export interface PoetryConversion {
  /** PEP 440 specifier set (`>=1.2,<2.0`), "" for "any version". */
  specifier: string;
  /** False when the constraint was a union and `specifier` is a wider hull of it. */
  exact: boolean;
  /** The alternatives of a union, each converted exactly (one entry when there is no union). */
  alternatives: string[];
}

/** Converts one Poetry constraint (`^1.2`, `~1.2.3`, `>=1,<2 || >=3`, `1.2.*`, `*`) to a PEP 440 specifier set. */
export function poetryToPep440(constraint: string): string {
  return convertPoetryConstraint(constraint).specifier;
}

/** Like `poetryToPep440`, telling also whether the result is exact and what the union's alternatives were. */
export function convertPoetryConstraint(constraint: string): PoetryConversion {
  const alternatives = constraint
    .split(/\|\|?/)
    .map((part) => part.trim())
    .map(convertConjunction);
  if (alternatives.length === 1) {
    const only = alternatives[0] ?? "";
    return { specifier: only, exact: true, alternatives: [only] };
  }
  if (alternatives.includes("")) return { specifier: "", exact: false, alternatives };
  return { specifier: hull(alternatives), exact: false, alternatives };
}

/**
 * A Python-version constraint as a PEP 508 marker expression: unions become `or`, so nothing is lost.
 * Versions with a micro part compare against `python_full_version`, shorter ones against `python_version`.
 */
export function poetryToPythonMarker(constraint: string): string {
  const { alternatives } = convertPoetryConstraint(constraint);
  const parts = alternatives.filter((alt) => alt !== "").map(specifierToMarker);
  if (parts.length < alternatives.length || parts.length === 0) return "";
  if (parts.length === 1) return parts[0] ?? "";
  return parts.map((p) => (p.includes(" and ") ? `(${p})` : p)).join(" or ");
}

/** `>=3.8,<4.0` → `python_version >= "3.8" and python_version < "4.0"`. */
export function specifierToMarker(specifier: string): string {
  return splitClauses(specifier)
    .map(({ op, version }) => {
      const releaseParts = version.replace(/\.\*$/, "").split(".").length;
      const variable = releaseParts > 2 ? "python_full_version" : "python_version";
      return `${variable} ${op} "${version}"`;
    })
    .join(" and ");
}

const CLAUSE = /(===|==|!=|~=|>=|<=|>|<|\^|~|=)?\s*([0-9A-Za-z*][0-9A-Za-z.*+!_-]*)/g;

/** One alternative: clauses separated by commas or whitespace, all of which must hold. */
function convertConjunction(text: string): string {
  if (text === "" || text === "*") return "";
  const clauses: string[] = [];
  for (const match of text.matchAll(CLAUSE)) {
    const op = match[1] ?? "";
    const version = match[2] ?? "";
    clauses.push(...convertClause(op, version));
  }
  return clauses.filter((c) => c !== "").join(",");
}

function convertClause(op: string, version: string): string[] {
  if (version === "*") return [];
  switch (op) {
    case "^":
      return caret(version);
    case "~":
      return tilde(version);
    case "":
    case "=":
      return [`==${version}`];
    default:
      return [`${op}${version}`];
  }
}

/** Release segment as numbers (`1.2.3b1` → [1, 2, 3]); the pre/post/dev suffix only matters for the lower bound. */
function releaseOf(version: string): number[] {
  const release = /^(?:\d+!)?(\d+(?:\.\d+)*)/.exec(version.replace(/^v/, ""));
  return (release?.[1] ?? "0").split(".").map(Number);
}

/** `^1.2.3` → `>=1.2.3,<2.0.0`: the leftmost non-zero part may not change. */
function caret(version: string): string[] {
  const release = releaseOf(version);
  let index = release.findIndex((part) => part !== 0);
  if (index === -1) index = release.length - 1;
  return [`>=${version}`, `<${bump(release, index)}`];
}

/** `~1.2.3` → `>=1.2.3,<1.3.0`; `~1` → `>=1,<2`: the minor part (or major when alone) may not change. */
function tilde(version: string): string[] {
  const release = releaseOf(version);
  const index = release.length === 1 ? 0 : 1;
  return [`>=${version}`, `<${bump(release, index)}`];
}

/** Increments part `index`, zeroes the parts after it and keeps the written length. */
function bump(release: number[], index: number): string {
  return release.map((part, i) => (i < index ? part : i === index ? part + 1 : 0)).join(".");
}

interface Clause {
  op: string;
  version: string;
}

function splitClauses(specifier: string): Clause[] {
  return specifier
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .map((s) => {
      const m = /^(===|==|!=|~=|>=|<=|>|<)\s*(.+)$/.exec(s);
      return { op: m?.[1] ?? "==", version: m?.[2] ?? s };
    });
}

interface Bound {
  version: string;
  inclusive: boolean;
}

/** Lower and upper bound of one PEP 440 specifier set (null = unbounded); `!=` never widens or narrows a hull. */
function boundsOf(specifier: string): { lower: Bound | null; upper: Bound | null } {
  let lower: Bound | null = null;
  let upper: Bound | null = null;
  const raiseLower = (b: Bound) => {
    if (!lower || safeCompare(b.version, lower.version) > 0) lower = b;
  };
  const dropUpper = (b: Bound) => {
    if (!upper || safeCompare(b.version, upper.version) < 0) upper = b;
  };
  for (const { op, version } of splitClauses(specifier)) {
    if (version.endsWith(".*")) {
      const base = version.slice(0, -2);
      if (op === "==") {
        raiseLower({ version: base, inclusive: true });
        dropUpper({ version: bump(releaseOf(base), releaseOf(base).length - 1), inclusive: false });
      }
      continue;
    }
    if (op === ">=") raiseLower({ version, inclusive: true });
    else if (op === ">") raiseLower({ version, inclusive: false });
    else if (op === "<=") dropUpper({ version, inclusive: true });
    else if (op === "<") dropUpper({ version, inclusive: false });
    else if (op === "==" || op === "===") {
      raiseLower({ version, inclusive: true });
      dropUpper({ version, inclusive: true });
    } else if (op === "~=") {
      const release = releaseOf(version);
      raiseLower({ version, inclusive: true });
      dropUpper({ version: bump(release.slice(0, -1), Math.max(release.length - 2, 0)), inclusive: false });
    }
  }
  return { lower, upper };
}

/** The smallest single range containing every alternative. */
function hull(alternatives: string[]): string {
  const bounds = alternatives.map(boundsOf);
  let lower: Bound | null = bounds[0]?.lower ?? null;
  let upper: Bound | null = bounds[0]?.upper ?? null;
  for (const b of bounds) {
    if (!b.lower || !lower) lower = null;
    else if (safeCompare(b.lower.version, lower.version) < 0) lower = b.lower;
    if (!b.upper || !upper) upper = null;
    else if (safeCompare(b.upper.version, upper.version) > 0) upper = b.upper;
  }
  const parts: string[] = [];
  if (lower) parts.push(`${lower.inclusive ? ">=" : ">"}${lower.version}`);
  if (upper) parts.push(`${upper.inclusive ? "<=" : "<"}${upper.version}`);
  return parts.join(",");
}

function safeCompare(a: string, b: string): number {
  try {
    return compareVersions(a, b);
  } catch {
    return compareText(a, b);
  }
}
