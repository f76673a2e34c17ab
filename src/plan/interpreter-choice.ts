/**
 * Which installed interpreter a project gets, and why: pure, from the project's Python statements, its
 * hints (CI matrices, tox, Dockerfiles, classifiers: facts/python-hints) and what is installed.
 *
 * 1. `rankInterpreters` orders the candidates: an explicit `--python` or the project's pin narrow them to
 *    one (the nearest installed patch when the exact one is missing); a range allows several, ranked by
 *    the hints (a project whose CI tests up to 3.11 gets 3.11 before 3.13); a pin that nothing installed
 *    satisfies becomes "install it with uv, else fall back to the best the ranges allow".
 * 2. `pickInterpreter` takes the first ranked interpreter on which every locked version has a wheel (the
 *    gaps come from the lock's wheel tags or from asking uv: workflows/interpreter.ts), else the one with
 *    the fewest versions to build from source.
 */
import { supportedPythonRange } from "../facts/python-version.js";
import type { PythonFacts } from "../facts/types.js";
import { specifierAllows } from "../pep/pep440.js";
import { compareVersions, type PythonInterpreter, sortInterpreters } from "../python/discover.js";
import { describeGap, type WheelGap } from "../python/lock-fit.js";
import type { InterpreterChoice } from "../run/steps.js";

/** `--python VERSION|PATH` (or what `.dhtconfig` recorded from it). */
export type ExplicitPython =
  | { kind: "version"; value: string; from: string }
  | { kind: "interpreter"; interpreter: InterpreterChoice; from: string };

export interface RankingInputs {
  python: Pick<PythonFacts, "chosen" | "candidates">;
  /** Every interpreter discovery found (sorted newest first). */
  interpreters: PythonInterpreter[];
  explicit?: ExplicitPython | null;
  /** The exact version `.dhtconfig` records: kept first while it is still allowed (a re-setup stays put). */
  recorded?: string | null;
  /** The Pythons the committed lock was resolved for (uv.lock `requires-python`): nothing outside it fits. */
  lockRange?: string | null;
  /**
   * A dormant project resolved as of its own date (plan/as-of.ts): the minor of that time (`eraPython`)
   * and the date. Ranked first when nothing in the project names a version to test or run on.
   */
  era?: { minor: string; date: string } | null;
}

export interface RankedInterpreter {
  interpreter: InterpreterChoice;
  /** Why it stands where it does: `newest installed within what CI tests (≤ 3.11)`. */
  why: string;
}

export type Ranking =
  /** Candidates in order of preference; the first without wheel gaps wins. */
  | {
      kind: "ranked";
      candidates: RankedInterpreter[];
      /** One sentence on what was asked and how it was ranked. */
      basis: string;
      warnings: string[];
      /** The choice is not fixed by a project file: `.dhtconfig` must record the version. */
      record: boolean;
      /** A single candidate fixed by a pin or `--python`: no wheel question to ask. */
      fixed: boolean;
    }
  /** A pin (or `--python X`) nothing installed satisfies: `uv python install`, else the fallback. */
  | {
      kind: "install";
      version: string;
      why: string;
      /** What to use when uv cannot install it (null: stop, listing what is installed). */
      fallback: Extract<Ranking, { kind: "ranked" }> | null;
      warnings: string[];
    }
  /** Nothing installed fits and nothing can be installed. */
  | { kind: "none"; message: string; hint: string };

/** The decision carried into the plan: the interpreter and the sentence that explains it. */
export interface InterpreterDecision {
  interpreter: InterpreterChoice;
  reason: string;
  warnings: string[];
  record: boolean;
  /** Wheel gaps left on the chosen interpreter (versions that must build from source there). */
  gaps: WheelGap[];
  /** Every candidate looked at, with its verdict, for `--json` and analyze. */
  considered: { version: string; path: string; verdict: string }[];
}

export function rankInterpreters(inputs: RankingInputs): Ranking {
  const { python, explicit } = inputs;
  const all = sortInterpreters(inputs.interpreters);
  if (explicit) return rankExplicit(explicit, all);
  const chosen = python.chosen;
  if (chosen && chosen.kind !== "range") return rankPin(chosen, inputs, all);
  return rankRange(chosen?.value ?? null, inputs, all, []);
}

function rankExplicit(explicit: ExplicitPython, all: PythonInterpreter[]): Ranking {
  if (explicit.kind === "interpreter") {
    const { interpreter } = explicit;
    return fixed(interpreter, `${explicit.from} names ${interpreter.path}`, [], true);
  }
  const value = explicit.value;
  const exact = value.split(".").length >= 3;
  const match = cpythonFirst(
    all.filter((found) => (exact ? found.version === value : minorOf(found.version) === value)),
  );
  if (match) return fixed(choiceOf(match), `${explicit.from} asks for Python ${value}`, [], true);
  return {
    kind: "install",
    version: value,
    why: `${explicit.from} asks for Python ${value}, which is not installed`,
    fallback: null,
    warnings: [],
  };
}

function rankPin(
  chosen: NonNullable<PythonFacts["chosen"]>,
  inputs: RankingInputs,
  all: PythonInterpreter[],
): Ranking {
  const where = chosen.file;
  const implementation = chosen.implementation ?? "cpython";
  const ofImplementation = all.filter((found) => found.implementation === implementation);
  const pool = ofImplementation.length > 0 ? ofImplementation : all;
  if (chosen.kind === "exact") {
    const exact = pool.find((found) => found.version === chosen.value);
    if (exact) return fixed(choiceOf(exact), `${where} pins Python ${chosen.value}`, [], false);
    const sameMinor = pool.filter((found) => minorOf(found.version) === minorOf(chosen.value));
    const nearest = nearestPatch(sameMinor, chosen.value);
    if (nearest) {
      const warning = `Python ${chosen.value} (${where}) is not installed: using ${nearest.version}, the nearest installed patch of ${minorOf(chosen.value)} (recorded in .dhtconfig)`;
      return fixed(
        choiceOf(nearest),
        `${where} pins Python ${chosen.value}; ${nearest.version} is the nearest installed patch`,
        [warning],
        true,
      );
    }
  } else {
    const ofMinor = pool.filter((found) => minorOf(found.version) === chosen.value);
    if (ofMinor[0])
      return fixed(
        choiceOf(ofMinor[0]),
        `${where} pins Python ${chosen.value}; ${ofMinor[0].version} is its newest installed patch`,
        [],
        true,
      );
  }
  // Not installed: uv may install it; else the best interpreter the project's ranges allow.
  const range = supportedPythonRange(inputs.python.candidates);
  const fallbackWarning = `Python ${chosen.value} (${where}) is neither installed nor installable here`;
  const fallback = rankRange(range, { ...inputs, recorded: null }, all, [fallbackWarning]);
  return {
    kind: "install",
    version: chosen.value,
    why: `${where} pins Python ${chosen.value}, which is not installed`,
    fallback: fallback.kind === "ranked" && fallback.candidates.length > 0 ? fallback : null,
    warnings: [],
  };
}

/** Every CPython 3 the range allows (2.x only when nothing else is), ordered by the project's hints. */
function rankRange(
  range: string | null,
  inputs: RankingInputs,
  all: PythonInterpreter[],
  warnings: string[],
): Ranking {
  const cpython = all.filter((found) => found.implementation === "cpython");
  const lockRange = inputs.lockRange?.replace(/\s+/g, "") || null;
  const allowed = cpython.filter(
    (found) =>
      (range === null || specifierAllows(range, found.version)) &&
      (lockRange === null || specifierAllows(lockRange, found.version)),
  );
  const python3 = allowed.filter((found) => !found.version.startsWith("2."));
  const pool = python3.length > 0 ? python3 : allowed;
  if (pool.length === 0) {
    return {
      kind: "none",
      message: `no installed Python satisfies ${[range, lockRange && `${lockRange} (the lock's requires-python)`].filter(Boolean).join(" and ") || "the project"} (installed: ${installedList(all)})`,
      hint: `install one with \`uv python install ${lowestOf(range)}\` or pyenv, then retry`,
    };
  }
  const ceiling = hintCeiling(inputs.python.candidates);
  const asked = range ? `the project allows ${range}` : "the project states no Python version";
  let ordered: RankedInterpreter[];
  let basis: string;
  if (ceiling) {
    const within = pool.filter((found) => compareVersions(minorOf(found.version), ceiling.version) <= 0);
    const above = pool
      .filter((found) => compareVersions(minorOf(found.version), ceiling.version) > 0)
      .sort((a, b) => compareVersions(a.version, b.version));
    ordered = [
      ...within.map((found) => ({
        interpreter: choiceOf(found),
        why: `the newest installed Python up to ${ceiling.version}`,
      })),
      ...above.map((found) => ({
        interpreter: choiceOf(found),
        why: `the oldest installed Python above ${ceiling.version}`,
      })),
    ];
    basis = `${ceiling.what} name Python up to ${ceiling.version} (${ceiling.files}); ${asked}`;
  } else if (range === null) {
    // Nothing stated at all: the `python3` a person would get on PATH, then the newest.
    const onPath = pool.filter((found) => found.onPath);
    ordered = [...onPath, ...pool.filter((found) => !found.onPath)].map((found) => ({
      interpreter: choiceOf(found),
      why: found.onPath ? "the python3 on PATH" : "the newest installed Python",
    }));
    basis = asked;
  } else {
    ordered = pool.map((found) => ({
      interpreter: choiceOf(found),
      why: `the newest installed Python ${range} allows`,
    }));
    basis = "no CI, tox, Docker or classifier names a version";
  }
  const era = inputs.era;
  const ofEra = !ceiling && era ? ordered.filter((c) => minorOf(c.interpreter.version) === era.minor) : [];
  if (era && ofEra.length > 0) {
    // Its dependencies resolve as of that date: the Python of that time has their wheels.
    ordered = [
      ...ofEra.map((c) => ({
        ...c,
        why: `Python ${era.minor}, the interpreter of the project's time (its code last changed ${era.date.slice(0, 10)})`,
      })),
      ...ordered.filter((c) => !ofEra.includes(c)),
    ];
  }
  const recorded = inputs.recorded;
  const kept = recorded ? ordered.find((candidate) => candidate.interpreter.version === recorded) : undefined;
  if (kept) {
    ordered = [
      { ...kept, why: `the version .dhtconfig records (${recorded})` },
      ...ordered.filter((c) => c !== kept),
    ];
  }
  return { kind: "ranked", candidates: ordered, basis, warnings, record: true, fixed: false };
}

interface Ceiling {
  version: string;
  /** `CI and tox`, `the Dockerfile`, `the classifiers`. */
  what: string;
  files: string;
}

/**
 * The newest Python the project says it runs on: over the hints its tests and images name (CI, tox, nox,
 * Docker, devcontainer), else over its classifiers. Pre-releases (`3.13-dev`), PyPy and `3.x` do not count;
 * hints that name no newer Python than installed ones are what makes `3.11` beat `3.13`.
 */
export function hintCeiling(candidates: PythonFacts["candidates"]): Ceiling | null {
  const usable = candidates.filter(
    (candidate) =>
      candidate.hint?.version && !candidate.hint.prerelease && !candidate.hint.version.startsWith("2."),
  );
  for (const tiers of [["tested", "runs"], ["declared"]]) {
    const hints = usable.filter((candidate) => tiers.includes(candidate.hint!.tier));
    if (hints.length === 0) continue;
    const newest = hints
      .map((candidate) => minorOf(candidate.hint!.version!))
      .reduce((best, next) => (compareVersions(next, best) > 0 ? next : best));
    const files = [...new Set(hints.map((candidate) => candidate.file))].sort();
    const kinds = [...new Set(hints.map((candidate) => candidate.source))].sort();
    return { version: newest, what: kinds.join(", "), files: files.join(", ") };
  }
  return null;
}

/**
 * The first ranked interpreter with no wheel gap, else the one with the fewest (earliest on a tie).
 * `gaps` holds what is known per interpreter path; once any is known, unchecked ones do not compete.
 * A version that lacks a wheel on every checked interpreter (an sdist-only pin, a Windows-only wheel) says
 * nothing about which one to take: only the gaps that differ between interpreters rank them.
 */
export function pickInterpreter(
  ranking: Extract<Ranking, { kind: "ranked" }>,
  gaps: Map<string, WheelGap[] | { failed: string }>,
  source = "",
): InterpreterDecision {
  const lists = ranking.candidates.flatMap((c) => {
    const known = gaps.get(c.interpreter.path);
    return known === undefined || "failed" in known ? [] : [known];
  });
  const key = (gap: WheelGap) => `${gap.name}==${gap.version}`;
  const everywhere = new Set(
    lists.length > 1
      ? lists.reduce((common, list) => common.filter((gap) => list.some((g) => key(g) === key(gap)))).map(key)
      : [],
  );
  const considered: InterpreterDecision["considered"] = [];
  let best: { candidate: RankedInterpreter; count: number } | null = null;
  for (const candidate of ranking.candidates) {
    const known = gaps.get(candidate.interpreter.path);
    if (known === undefined && gaps.size > 0) continue;
    const own =
      known === undefined ? [] : "failed" in known ? null : known.filter((gap) => !everywhere.has(key(gap)));
    const count = own === null ? Number.POSITIVE_INFINITY : own.length;
    considered.push({
      version: candidate.interpreter.version,
      path: candidate.interpreter.path,
      verdict:
        known !== undefined && "failed" in known
          ? `uv cannot resolve the requirements for it (${known.failed})`
          : own && own.length > 0
            ? `no wheel for ${listGaps(own)}`
            : candidate.why,
    });
    if (!best || count < best.count) best = { candidate, count };
  }
  const winner = (best ?? { candidate: ranking.candidates[0]! }).candidate;
  const known = gaps.get(winner.interpreter.path);
  const gapList = known && !("failed" in known) ? known : [];
  const parts = [`Python ${winner.interpreter.version}: ${winner.why}`];
  if (ranking.basis !== winner.why) parts.push(ranking.basis);
  // Only the interpreters passed over before the winner tell why it won.
  const winnerIndex = ranking.candidates.findIndex((c) => c.interpreter.path === winner.interpreter.path);
  for (const entry of considered) {
    const index = ranking.candidates.findIndex((c) => c.interpreter.path === entry.path);
    if (index < winnerIndex && /^(no wheel|uv cannot)/.test(entry.verdict))
      parts.push(`${entry.version} passed over: ${entry.verdict}`);
  }
  if (gapList.length > 0) parts.push(`built from source here: ${listGaps(gapList)}`);
  if (source && gaps.size > 0) parts.push(`(${source})`);
  return {
    interpreter: winner.interpreter,
    reason: parts.join("; "),
    warnings: ranking.warnings,
    record: ranking.record,
    gaps: gapList,
    considered,
  };
}

function listGaps(gaps: WheelGap[]): string {
  const shown = gaps.slice(0, 3).map(describeGap).join(", ");
  return gaps.length > 3 ? `${shown} and ${gaps.length - 3} more` : shown;
}

function fixed(interpreter: InterpreterChoice, why: string, warnings: string[], record: boolean): Ranking {
  return {
    kind: "ranked",
    candidates: [{ interpreter, why }],
    basis: why,
    warnings,
    record,
    fixed: true,
  };
}

/** The installed patch of one minor closest to `wanted` (the newer one on a tie). */
function nearestPatch(sameMinor: PythonInterpreter[], wanted: string): PythonInterpreter | null {
  const patch = (version: string) => Number(version.split(".")[2] ?? 0);
  const target = patch(wanted);
  return (
    [...sameMinor].sort(
      (a, b) =>
        Math.abs(patch(a.version) - target) - Math.abs(patch(b.version) - target) ||
        compareVersions(b.version, a.version),
    )[0] ?? null
  );
}

function cpythonFirst(matches: PythonInterpreter[]): PythonInterpreter | null {
  return matches.find((found) => found.implementation === "cpython") ?? matches[0] ?? null;
}

function choiceOf(found: PythonInterpreter): InterpreterChoice {
  return { path: found.path, version: found.version, implementation: found.implementation };
}

export function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
}

function installedList(all: PythonInterpreter[]): string {
  return [...new Set(all.map((found) => `${found.implementation}-${found.version}`))].join(", ") || "none";
}

function lowestOf(range: string | null): string {
  return /(\d+\.\d+)/.exec(range ?? "")?.[1] ?? "3";
}
