/**
 * The Python version resolver: every statement about the Python version (pin files, conda, Pipfile, Poetry,
 * requires-python …) is normalised to an exact version, a minor version or a PEP 440 range; the most specific
 * one wins, and every pair that cannot hold together is reported as a conflict.
 */

import { compareTextIgnoringCase } from "../core/compare.js";
import { isValidSpecifier, specifierAllows } from "../pep/pep440.js";
import { convertPoetryConstraint } from "./manifests/pyproject/poetry-constraint.js";
import type { PythonVersionSource } from "./manifests/types.js";
import type { PythonFacts } from "./types.js";

/** A statement reduced to what it means, before any comparison. */
export type VersionStatement =
  | { kind: "exact" | "minor"; value: string; implementation?: string; note?: string }
  | { kind: "range"; value: string; alternatives: string[] }
  | { kind: "unusable"; reason: string };

/** The syntax a statement is written in, which decides how to read it. */
type Dialect = "pin-file" | "conda" | "pipfile" | "poetry" | "pep440";

interface Candidate {
  source: PythonVersionSource;
  statement: Exclude<VersionStatement, { kind: "unusable" }>;
  /** Lower wins: 1 .python-version, 2 runtime.txt, 3 .tool-versions/mise, 4 conda/Pipfile pins, 5 ranges. */
  rank: number;
  /** Among equal ranks: requires-python before python_requires before Poetry before the rest. */
  subRank: number;
}

// ---------------------------------------------------------------------------------------------------------
// Reading one statement

const PIN =
  /^(\d+)\.(\d+)(?:\.(\d+))?((?:a|b|rc)\d+)?(t|\+freethreaded)?(-dev)?(?:[-+](?:linux|macos|darwin|windows|musl|gnu)[\w.+-]*)?$/i;
const MAJOR_ONLY = /^(\d+)$/;
const OPERATOR_START = /^(?:===|==|!=|~=|>=|<=|>|<)/;

/** Interpreters whose names pyenv, uv and asdf accept but whose Python language version the name does not give. */
const NON_VERSION_DISTRIBUTIONS =
  /^(anaconda|miniconda|miniforge|mambaforge|graalpy|graalpython|jython|ironpython|stackless|micropython|activepython|pyston|nogil|cinder)/i;

/**
 * Reads a version as pyenv, uv, asdf, mise or Heroku write it: `3.12`, `3.12.1`, `python-3.12.1`,
 * `cpython@3.12`, `cpython-3.12.1-linux-x86_64-gnu`, `pypy3.10-7.3.15`, `3.13t`, `3.14-dev`, `>=3.11`.
 */
export function parsePinName(written: string): VersionStatement {
  let text = written.trim();
  if (text === "") return { kind: "unusable", reason: "empty" };
  if (text === "system") {
    return { kind: "unusable", reason: "`system` means whichever python is on PATH; it states no version" };
  }
  if (/^(latest|stable)$/i.test(text))
    return { kind: "unusable", reason: `\`${text}\` is not a fixed version` };
  if (/^(ref|path|sub-\d+):/.test(text)) {
    return { kind: "unusable", reason: `\`${text}\` names a build, not a released Python version` };
  }
  text = text.replace(/^prefix:/, "");
  if (OPERATOR_START.test(text)) return rangeFromPep440(text);
  const pypy = /^pypy[-@]?(\d+\.\d+)(?:[-@]v?(\d+\.\d+\.\d+\w*))?(?:[-+].*)?$/i.exec(text);
  if (pypy) {
    const release = pypy[2] ? ` ${pypy[2]}` : "";
    return { kind: "minor", value: pypy[1] ?? "", implementation: "pypy", note: `PyPy${release}` };
  }
  if (NON_VERSION_DISTRIBUTIONS.test(text)) {
    return {
      kind: "unusable",
      reason: `\`${text}\` names a distribution whose Python version the name does not give`,
    };
  }
  text = text.replace(/^(?:c?python)[-@]?(?=\d)/i, "");
  const major = MAJOR_ONLY.exec(text);
  if (major) return { kind: "range", value: `==${major[1]}.*`, alternatives: [`==${major[1]}.*`] };
  const pin = PIN.exec(text);
  if (!pin) {
    return {
      kind: "unusable",
      reason: `\`${written.trim()}\` is not a Python version (a pyenv-virtualenv name?)`,
    };
  }
  const [, maj, min, patch, pre, freeThreaded, dev] = pin;
  const notes = [freeThreaded ? "free-threaded build" : "", dev ? "development build" : ""].filter(Boolean);
  const note = notes.length > 0 ? { note: notes.join(", ") } : {};
  if (patch === undefined || dev) return { kind: "minor", value: `${maj}.${min}`, ...note };
  return { kind: "exact", value: `${maj}.${min}.${patch}${pre ?? ""}`, ...note };
}

/** Reads a conda match spec for python: `python=3.11`, `=3.11`, `python 3.11.*`, `python>=3.9,<3.12`, `3.10|3.11`. */
export function parseCondaSpec(written: string): VersionStatement {
  let text = written.trim().replace(/^python\b\s*/i, "");
  // A third `=` field is a build string (`python=3.11.4=h955ad1f_0`): it does not change the version.
  text = text.replace(/^(=?=?[^=<>!~\s]+)=[^=]*$/, "$1").replace(/\s+/g, "");
  if (text === "" || text === "*") return { kind: "unusable", reason: "states no version" };
  const fuzzy = /^(?:==?)?(\d+\.\d+(?:\.\d+)?)(?:\.\*|\*)?$/.exec(text);
  if (fuzzy?.[1]) {
    const parts = fuzzy[1].split(".");
    return parts.length === 2 ? { kind: "minor", value: fuzzy[1] } : { kind: "exact", value: fuzzy[1] };
  }
  // `|` is conda's "or", `,` its "and"; a bare version inside means that release series (`3.10` → 3.10.x).
  const alternatives = text.split("|").map((alt) => alt.split(",").map(condaClause).join(","));
  return rangeFromAlternatives(alternatives, written);
}

function condaClause(clause: string): string {
  if (OPERATOR_START.test(clause)) return clause;
  const series = clause.replace(/^=/, "").replace(/\.?\*$/, "");
  return /^\d+(\.\d+)?$/.test(series) ? `==${series}.*` : `==${series}`;
}

/** Pipfile `python_version = "3.11"` is a minor pin, `python_full_version = "3.11.4"` an exact one. */
export function parsePipfileVersion(written: string): VersionStatement {
  const text = written.trim();
  if (text === "" || text === "*") return { kind: "unusable", reason: "states no version" };
  if (/^\d+\.\d+$/.test(text)) return { kind: "minor", value: text };
  if (/^\d+\.\d+\.\d+((?:a|b|rc)\d+)?$/.test(text)) return { kind: "exact", value: text };
  if (/^\d+$/.test(text)) return { kind: "range", value: `==${text}.*`, alternatives: [`==${text}.*`] };
  return rangeFromPep440(text);
}

/** Poetry's `python` constraint: `^3.10`, `~3.10`, `>=3.8,<4.0`, `^2.7 || ^3.6`; a bare `3.10` means any 3.10.x. */
export function parsePoetryPython(written: string): VersionStatement {
  const text = written.trim();
  if (text === "" || text === "*") return { kind: "unusable", reason: "`*` allows any Python" };
  if (/^\d+\.\d+$/.test(text)) return { kind: "range", value: `==${text}.*`, alternatives: [`==${text}.*`] };
  const { alternatives } = convertPoetryConstraint(text);
  if (alternatives.some((alt) => alt === "")) return { kind: "unusable", reason: "allows any Python" };
  return rangeFromAlternatives(alternatives, written);
}

/** Reads one statement in the syntax its source implies. */
export function readStatement(source: PythonVersionSource): VersionStatement {
  switch (dialectOf(source)) {
    case "pin-file":
      return parsePinName(source.value);
    case "conda":
      return parseCondaSpec(source.value);
    case "pipfile":
      return parsePipfileVersion(source.value);
    case "poetry":
      return parsePoetryPython(source.value);
    case "pep440":
      return rangeFromPep440(source.value.trim());
  }
}

function dialectOf(source: PythonVersionSource): Dialect {
  const name = source.source.toLowerCase();
  const file = baseName(source.file).toLowerCase();
  if (pinFileRank(source) !== null) return "pin-file";
  if (name.includes("poetry")) return "poetry";
  if (name.includes("pipfile") || file === "pipfile") return "pipfile";
  if (name.includes("conda") || name.includes("environment") || /^environment.*\.ya?ml$/.test(file))
    return "conda";
  return "pep440";
}

function pinFileRank(source: PythonVersionSource): number | null {
  const name = source.source.toLowerCase();
  const file = baseName(source.file).toLowerCase();
  if (name.startsWith(".python-version") || (name === file && file === ".python-version")) return 1;
  if (name.startsWith("runtime.txt")) return 2;
  if (name.startsWith(".tool-versions") || name.includes("mise")) return 3;
  return null;
}

function rangeFromPep440(text: string): VersionStatement {
  const compact = text.replace(/\s+/g, "").replace(/,+$/, "");
  if (compact === "" || !isValidSpecifier(compact)) {
    return { kind: "unusable", reason: `\`${text}\` is not a PEP 440 version specifier` };
  }
  return { kind: "range", value: compact, alternatives: [compact] };
}

/**
 * PEP 440 has no "or": a union becomes its hull minus every whole minor that no alternative allows
 * (`^2.7 || ^3.6` → `>=2.7,<4.0,!=3.0.*,…,!=3.5.*`). The alternatives stay the authority for comparisons.
 */
function rangeFromAlternatives(alternatives: string[], written: string): VersionStatement {
  const checked = alternatives.map((alt) => alt.replace(/\s+/g, ""));
  if (checked.some((alt) => alt === "" || !isValidSpecifier(alt))) {
    return { kind: "unusable", reason: `\`${written.trim()}\` is not a version constraint dhtl can read` };
  }
  if (checked.length === 1) return { kind: "range", value: checked[0] ?? "", alternatives: checked };
  const hull = unionHull(checked);
  const gaps = sampleMinors(checked)
    .filter((minor) => accepts([hull.join(",")], sampleVersionsOf(minor, checked)))
    .filter((minor) => !checked.some((alt) => accepts([alt], sampleVersionsOf(minor, checked))))
    .map((minor) => `!=${minor}.*`);
  return { kind: "range", value: [...hull, ...gaps].join(","), alternatives: checked };
}

/** Lowest lower bound and highest upper bound over the alternatives (an unbounded side stays unbounded). */
function unionHull(alternatives: string[]): string[] {
  const bounds = alternatives.map((alt) => boundsOf(clausesOf(alt)));
  const lowers = bounds.map((b) => b.lower);
  const uppers = bounds.map((b) => b.upper);
  const lower = lowers.includes(null) ? null : lowest(lowers as string[]);
  const upper = uppers.includes(null) ? null : highest(uppers as string[]);
  return [lower, upper].filter((c): c is string => c !== null);
}

/** The tightest lower and upper bound clauses a conjunction implies (`==3.10.*` → `>=3.10`, `<3.11`). */
function boundsOf(clauses: string[]): { lower: string | null; upper: string | null } {
  const lowers: string[] = [];
  const uppers: string[] = [];
  for (const clause of clauses) {
    const m = /^(===|==|~=|>=|<=|>|<)(.+)$/.exec(clause);
    if (!m) continue;
    const [, op, version = ""] = m;
    if (op === ">=" || op === ">") lowers.push(clause);
    else if (op === "<=" || op === "<") uppers.push(clause);
    else if (version.endsWith(".*")) {
      const release = version.slice(0, -2).split(".").map(Number);
      lowers.push(`>=${release.join(".")}`);
      uppers.push(`<${bumpLast(release)}`);
    } else if (op === "~=") {
      const release = version.split(".").map(Number);
      lowers.push(`>=${version}`);
      uppers.push(`<${bumpLast(release.slice(0, -1))}`);
    } else {
      lowers.push(`>=${version}`);
      uppers.push(`<=${version}`);
    }
  }
  return {
    lower: lowers.length > 0 ? highest(lowers) : null,
    upper: uppers.length > 0 ? lowest(uppers) : null,
  };
}

function bumpLast(release: number[]): string {
  return release.map((part, i) => (i === release.length - 1 ? part + 1 : part)).join(".");
}

/** Keeps one lower and one upper bound (the tightest) and every other clause, in a stable order. */
function simplifyClauses(clauses: string[]): string[] {
  const unique = [...new Set(clauses)];
  const isBound = (c: string) => /^(>=|>|<=|<)(?!=)/.test(c) && !c.startsWith("<>");
  const { lower, upper } = boundsOf(unique.filter(isBound));
  const rest = unique.filter((c) => !isBound(c));
  return [lower, upper, ...rest].filter((c): c is string => c !== null);
}

/** Bound clauses are compared by version, then strictness: `>3.9` is above `>=3.9`, `<3.9` below `<=3.9`. */
function boundKey(clause: string): number {
  const strictness =
    clause.startsWith(">") && !clause.startsWith(">=") ? 0.5 : clause.startsWith("<=") ? 0.5 : 0;
  return versionKey(clause) + strictness;
}

function lowest(clauses: string[]): string {
  return clauses.reduce((best, c) => (boundKey(c) < boundKey(best) ? c : best));
}

function highest(clauses: string[]): string {
  return clauses.reduce((best, c) => (boundKey(c) > boundKey(best) ? c : best));
}

// ---------------------------------------------------------------------------------------------------------
// Comparing statements: by sampling concrete versions, which is exact for the boundaries the specifiers name.

const BASE_MINORS = [
  ...Array.from({ length: 8 }, (_, i) => `2.${i}`),
  ...Array.from({ length: 16 }, (_, i) => `3.${i}`),
];

function clausesOf(specifier: string): string[] {
  return specifier
    .split(",")
    .map((c) => c.trim())
    .filter(Boolean);
}

function versionNumbers(text: string): number[][] {
  return [...text.matchAll(/(\d+)\.(\d+)(?:\.(\d+))?/g)].map((m) => [
    Number(m[1]),
    Number(m[2]),
    Number(m[3] ?? -1),
  ]);
}

/** Sortable key of the version inside a clause (`>=3.10.2` → 3010002). */
function versionKey(clause: string): number {
  const [maj = 0, min = 0, patch = 0] = versionNumbers(clause)[0] ?? [];
  return maj * 1_000_000 + min * 1_000 + Math.max(patch, 0);
}

/** Minors 2.0–3.15, plus every minor the specifiers mention and the one after it. */
function sampleMinors(specifiers: string[]): string[] {
  const minors = new Set(BASE_MINORS);
  for (const [maj, min] of specifiers.flatMap(versionNumbers)) {
    minors.add(`${maj}.${min}`);
    minors.add(`${maj}.${(min ?? 0) + 1}`);
    minors.add(`${(maj ?? 0) + 1}.0`);
  }
  return [...minors].sort((a, b) => versionKey(a) - versionKey(b));
}

/** Patch releases of one minor worth testing: 0, a large one, and each patch the specifiers name ±1. */
function sampleVersionsOf(minor: string, specifiers: string[]): string[] {
  const patches = new Set([0, 99]);
  for (const [maj, min, patch] of specifiers.flatMap(versionNumbers)) {
    if (`${maj}.${min}` !== minor || patch === undefined || patch < 0) continue;
    for (const p of [patch - 1, patch, patch + 1]) if (p >= 0) patches.add(p);
  }
  return [...patches].sort((a, b) => a - b).map((p) => `${minor}.${p}`);
}

/** True when some version is allowed by one of the alternatives. */
function accepts(alternatives: string[], versions: string[]): boolean {
  return versions.some((v) => alternatives.some((alt) => allows(alt, v)));
}

/** The same specifier/version pairs come up for every pair of candidates: remember the answers. */
const allowsCache = new Map<string, boolean>();

function allows(specifier: string, version: string): boolean {
  const key = `${specifier}\u0000${version}`;
  let answer = allowsCache.get(key);
  if (answer === undefined) {
    if (allowsCache.size > 50_000) allowsCache.clear();
    answer = specifierAllows(specifier, version, { prereleases: true });
    allowsCache.set(key, answer);
  }
  return answer;
}

/** The concrete versions a pin allows, as samples. */
function pinVersions(statement: { kind: "exact" | "minor"; value: string }, specifiers: string[]): string[] {
  return statement.kind === "exact" ? [statement.value] : sampleVersionsOf(statement.value, specifiers);
}

function pinsAgree(a: Candidate["statement"], b: Candidate["statement"]): boolean {
  if (a.kind === "range" || b.kind === "range") return true;
  if ((a.implementation ?? "cpython") !== (b.implementation ?? "cpython")) return false;
  if (a.kind === b.kind) return a.value === b.value;
  const [minor, exact] = a.kind === "minor" ? [a, b] : [b, a];
  return exact.value.startsWith(`${minor.value}.`);
}

function pinSatisfies(pin: Candidate["statement"], range: Candidate["statement"]): boolean {
  if (pin.kind === "range" || range.kind !== "range") return true;
  return accepts(range.alternatives, pinVersions(pin, range.alternatives));
}

function rangesIntersect(ranges: Candidate["statement"][]): boolean {
  const alternatives = ranges.map((r) => (r.kind === "range" ? r.alternatives : []));
  const all = alternatives.flat();
  return sampleMinors(all).some((minor) =>
    sampleVersionsOf(minor, all).some((v) => alternatives.every((alts) => accepts(alts, [v]))),
  );
}

// ---------------------------------------------------------------------------------------------------------
// Resolving

/** Chooses the Python version a project asks for, explains why, and lists every conflict between sources. */
export function resolvePythonVersion(candidates: PythonVersionSource[]): PythonFacts {
  const unique = dedupe(candidates);
  const usable: Candidate[] = [];
  const ignored: NonNullable<PythonFacts["ignored"]> = [];
  for (const source of unique) {
    const statement = readStatement(source);
    if (statement.kind === "unusable") {
      ignored.push({
        source: source.source,
        file: source.file,
        value: source.value,
        reason: statement.reason,
      });
      continue;
    }
    usable.push({ source, statement, rank: rankOf(source, statement), subRank: subRankOf(source) });
  }
  usable.sort(byPrecedence);
  return { candidates: unique, chosen: choose(usable), conflicts: conflictsBetween(usable), ignored };
}

/**
 * The Python versions the project supports, as one PEP 440 specifier: every range stated (requires-python,
 * python_requires, Poetry's python …) normalised and intersected; pins are ignored. Null when none is stated.
 * Tool settings that name the oldest supported Python (ruff target-version, mypy python_version) start here.
 */
export function supportedPythonRange(candidates: PythonVersionSource[]): string | null {
  const ranges = candidates.filter((c) => readStatement(c).kind === "range");
  return resolvePythonVersion(ranges).chosen?.value ?? null;
}

function dedupe(candidates: PythonVersionSource[]): PythonVersionSource[] {
  const seen = new Set<string>();
  return candidates.filter((c) => {
    const key = JSON.stringify([c.source, c.file, c.line, c.value]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function rankOf(source: PythonVersionSource, statement: Candidate["statement"]): number {
  if (statement.kind === "range") return 5;
  return pinFileRank(source) ?? 4;
}

function subRankOf(source: PythonVersionSource): number {
  const name = source.source.toLowerCase();
  if (name.includes("requires-python")) return 0;
  if (name.includes("python_requires")) return 1;
  if (name.includes("poetry")) return 2;
  return 3;
}

function byPrecedence(a: Candidate, b: Candidate): number {
  return (
    a.rank - b.rank ||
    a.subRank - b.subRank ||
    compareTextIgnoringCase(a.source.file, b.source.file) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    compareTextIgnoringCase(a.source.value, b.source.value)
  );
}

/** `requires-python >=3.9 (pyproject.toml)`; the file is left out when the source already names it. */
function describe(c: Candidate): string {
  const where = c.source.source === c.source.file ? "" : ` (${c.source.file})`;
  return `${c.source.source} ${c.source.value.trim()}${where}`;
}

function conflictsBetween(usable: Candidate[]): string[] {
  const conflicts: string[] = [];
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      const a = usable[i] as Candidate;
      const b = usable[j] as Candidate;
      const message = conflictOf(a, b);
      if (message) conflicts.push(message);
    }
  }
  return conflicts;
}

function conflictOf(a: Candidate, b: Candidate): string | null {
  const aIsRange = a.statement.kind === "range";
  const bIsRange = b.statement.kind === "range";
  if (!aIsRange && !bIsRange) {
    return pinsAgree(a.statement, b.statement) ? null : `${describe(a)} differs from ${describe(b)}`;
  }
  if (aIsRange && bIsRange) {
    return rangesIntersect([a.statement, b.statement])
      ? null
      : `${describe(a)} and ${describe(b)} have no Python version in common`;
  }
  const [pin, range] = aIsRange ? [b, a] : [a, b];
  return pinSatisfies(pin.statement, range.statement)
    ? null
    : `${describe(pin)} does not satisfy ${describe(range)}`;
}

function choose(usable: Candidate[]): PythonFacts["chosen"] {
  const winner = usable[0];
  if (!winner) return null;
  const ranges = usable.filter((c) => c.statement.kind === "range");
  const base = { source: winner.source.source, file: winner.source.file };
  if (winner.statement.kind !== "range") {
    const pin = winner.statement;
    const kindWord = pin.kind === "exact" ? "exact pin" : "minor-version pin";
    const where =
      winner.source.source === winner.source.file
        ? winner.source.file
        : `${winner.source.file} (${winner.source.source})`;
    const parts = [`${kindWord} in ${where}${pin.note ? ` (${pin.note})` : ""}`];
    const overridden = usable.filter((c) => c !== winner && c.statement.kind !== "range");
    if (overridden.length > 0) parts.push(`takes precedence over ${overridden.map(describe).join(", ")}`);
    for (const range of ranges) {
      const ok = pinSatisfies(pin, range.statement);
      parts.push(`${ok ? "satisfies" : "does not satisfy"} ${describe(range)}`);
    }
    const implementation = pin.implementation ? { implementation: pin.implementation } : {};
    return { value: pin.value, kind: pin.kind, ...base, reason: parts.join("; "), ...implementation };
  }
  // Only ranges: `setup` picks the newest installed interpreter allowed by all of them, so state their
  // intersection when there is one, else the most authoritative range alone.
  const combined = rangesIntersect(ranges.map((r) => r.statement)) ? ranges : [winner];
  const clauses = simplifyClauses(combined.flatMap((r) => clausesOf(r.statement.value)));
  const reason =
    combined.length > 1
      ? `only ranges are stated; all of them hold together: ${combined.map(describe).join(", ")}`
      : ranges.length > 1
        ? `only ranges are stated and they conflict; ${describe(winner)} is the most authoritative`
        : `only a range is stated: ${describe(winner)}`;
  return { value: clauses.join(","), kind: "range", ...base, reason };
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}
