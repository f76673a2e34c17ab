/**
 * Choosing setup's interpreter: rank what is installed (plan/interpreter-choice.ts), then ask which of
 * the ranked interpreters gets a wheel for every locked version — from the lock's own wheel file names
 * (uv.lock, poetry.lock, pdm.lock: no process), else from uv (`uv pip compile --format pylock.toml` per
 * interpreter, stopping as soon as one needs nothing built or a further one is no better).
 */
import { realpathSync } from "node:fs";
import { basename, relative, resolve, sep } from "node:path";
import { DhtlError } from "../core/errors.js";
import { dhtlCacheDir } from "../core/paths.js";
import { projectReadContext } from "../facts/project-files.js";
import type { ProjectFacts } from "../facts/types.js";
import { parseTomlLock } from "../formats/poetry-lock.js";
import { readUvLock } from "../formats/uv-lock.js";
import {
  type ExplicitPython,
  type InterpreterDecision,
  minorOf,
  pickInterpreter,
  type Ranking,
  type RankingInputs,
  rankInterpreters,
} from "../plan/interpreter-choice.js";
import type { PythonPlan } from "../plan/setup-plan.js";
import { compareVersions, identifyInterpreter, type PythonInterpreter } from "../python/discover.js";
import {
  type LockedDistribution,
  pylockDistributions,
  tomlLockDistributions,
  uvLockDistributions,
  type WheelGap,
  wheelGaps,
} from "../python/lock-fit.js";
import { markerEnvironment } from "../python/marker-env.js";
import { hostPlatform, type WheelTarget } from "../python/wheel-tags.js";
import type { UvRunner } from "../run/install.js";
import type { InterpreterChoice } from "../run/steps.js";
import { probeWheels, type WheelProbe } from "../run/wheel-probe.js";

/** At most this many `uv pip compile` probes per setup (each ~0.5–1 s with a warm cache). */
const MAX_PROBES = 4;

export interface PythonChoiceInputs {
  facts: Pick<ProjectFacts, "root" | "python">;
  interpreters: PythonInterpreter[];
  explicit: ExplicitPython | null;
  recorded: string | null;
  /** The lock that will be installed, when it names its wheels. */
  lock: { file: "uv.lock" | "poetry.lock" | "pdm.lock"; text: string } | null;
  /** Requirements to ask uv about when no lock names its wheels (null: do not ask). */
  probe: { text: string; noDeps: boolean } | null;
  /** The interpreter of a dormant project's time (workflows/resolution.ts `eraOf`). */
  era?: RankingInputs["era"];
  uv: () => Promise<UvRunner>;
  warn: (message: string) => void;
}

export interface PythonChoice {
  plan: PythonPlan;
  /** uv probes run, and their wall time (for the cost report). */
  probes: number;
  probeSeconds: number;
}

/**
 * The choice as far as the lock's wheel names tell, without running anything (analyze): what setup
 * would use, unless asking uv about a project without such a lock changes it.
 */
export function previewPython(
  inputs: Pick<PythonChoiceInputs, "facts" | "interpreters" | "lock" | "recorded" | "era">,
): NonNullable<ProjectFacts["python"]["interpreter"]> {
  const ranking = rankInterpreters({
    python: inputs.facts.python,
    interpreters: inputs.interpreters,
    recorded: inputs.recorded,
    era: inputs.era ?? null,
    lockRange: inputs.lock?.file === "uv.lock" ? safeRequiresPython(inputs.lock.text) : null,
  });
  const noWarn = () => {};
  if (ranking.kind === "none") return { version: null, path: null, reason: ranking.message };
  const pick = (ranked: Extract<Ranking, { kind: "ranked" }>) => {
    const gaps = new Map<string, WheelGap[] | { failed: string }>();
    const locked = lockedDistributions(inputs.lock, noWarn);
    const platform = hostPlatform(dhtlCacheDir());
    for (const candidate of locked ? ranked.candidates : []) {
      const target = targetOf(candidate.interpreter, platform);
      if (target && locked)
        gaps.set(candidate.interpreter.path, gapsOn(locked, target, { sdistOnly: false }));
    }
    return pickInterpreter(ranked, gaps, locked ? `wheels read from ${inputs.lock?.file}` : "");
  };
  if (ranking.kind === "install") {
    const fallback = ranking.fallback ? pick(ranking.fallback) : null;
    return {
      version: null,
      path: null,
      reason: `${ranking.why}: setup asks uv to install it${fallback ? `, else uses ${fallback.interpreter.version} (${fallback.reason})` : ""}`,
    };
  }
  const decision = pick(ranking);
  return { version: decision.interpreter.version, path: decision.interpreter.path, reason: decision.reason };
}

export async function choosePython(inputs: PythonChoiceInputs): Promise<PythonChoice> {
  const ranking = rankInterpreters({
    python: inputs.facts.python,
    interpreters: inputs.interpreters,
    explicit: inputs.explicit,
    recorded: inputs.recorded,
    lockRange: inputs.lock?.file === "uv.lock" ? safeRequiresPython(inputs.lock.text) : null,
    era: inputs.era ?? null,
  });
  const cost = { probes: 0, seconds: 0 };
  if (ranking.kind === "none") throw new DhtlError("badInput", ranking.message, { hint: ranking.hint });
  if (ranking.kind === "install") {
    const fallback = ranking.fallback ? await decide(ranking.fallback, inputs, cost) : null;
    return {
      plan: {
        kind: "install",
        version: ranking.version,
        why: ranking.why,
        fallback,
        warnings: ranking.warnings,
      },
      probes: cost.probes,
      probeSeconds: cost.seconds,
    };
  }
  return {
    plan: { kind: "use", decision: await decide(ranking, inputs, cost) },
    probes: cost.probes,
    probeSeconds: cost.seconds,
  };
}

async function decide(
  ranking: Extract<Ranking, { kind: "ranked" }>,
  inputs: PythonChoiceInputs,
  cost: { probes: number; seconds: number },
): Promise<InterpreterDecision> {
  const gaps = new Map<string, WheelGap[] | { failed: string }>();
  const locked = lockedDistributions(inputs.lock, inputs.warn);
  const platform = hostPlatform(dhtlCacheDir());
  if (locked) {
    // The lock names every wheel: each candidate is answered without a process.
    for (const candidate of ranking.candidates) {
      const target = targetOf(candidate.interpreter, platform);
      if (target) gaps.set(candidate.interpreter.path, gapsOn(locked, target, { sdistOnly: false }));
    }
    return pickInterpreter(ranking, gaps, `wheels read from ${inputs.lock?.file}`);
  }
  // One candidate fixed by a pin or --python: nothing to choose between, so uv is not asked.
  if (ranking.fixed || ranking.candidates.length < 2 || !inputs.probe) return pickInterpreter(ranking, gaps);
  const uv = await inputs.uv();
  const timed = async <T>(work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await work();
    } finally {
      cost.probes++;
      cost.seconds += (Date.now() - started) / 1000;
    }
  };
  // 1. Resolve for the preferred interpreter (the next one when uv cannot resolve for it).
  for (const candidate of ranking.candidates) {
    if (cost.probes >= MAX_PROBES) break;
    const target = targetOf(candidate.interpreter, platform);
    if (!target) continue;
    const probe = await timed(() =>
      probeWheels(uv, inputs.probe!.text, candidate.interpreter, { noDeps: inputs.probe!.noDeps }),
    );
    if (!probe.ok) {
      if (probe.network) {
        inputs.warn(
          `warning: could not ask uv which wheels each Python gets (${probe.reason}); choosing by the project's hints alone`,
        );
        return pickInterpreter(ranking, new Map());
      }
      gaps.set(candidate.interpreter.path, { failed: probe.reason });
      continue;
    }
    const missing = gapsOn(pylockDistributions(probe.packages), target, { sdistOnly: true });
    gaps.set(candidate.interpreter.path, missing);
    if (missing.length === 0) break;
    // 2. Versions without a wheel for it: list every file they publish, to tell a pure-Python sdist
    // (builds anywhere) from a version whose wheels stop at an older Python, and rank every candidate on it.
    // Universal lists only the wheels of Pythons at or above the one named, so the oldest interpreter asks
    // (it also builds an old sdist's metadata when uv has to); when a pin needs a newer Python than that
    // (greenlet 3.0.1 on 3.6), the next oldest asks instead.
    const oldestFirst = ranking.candidates
      .map((c) => c.interpreter)
      .sort((a, b) => compareVersions(a.version, b.version));
    const pins = missing.map((gap) => `${gap.name}==${gap.version}`).join("\n");
    let listing: WheelProbe | null = null;
    for (const asker of oldestFirst) {
      if (cost.probes >= MAX_PROBES || compareVersions(asker.version, candidate.interpreter.version) > 0)
        break;
      listing = await timed(() =>
        probeWheels(
          uv,
          `${pins}\n`,
          { path: asker.path, version: minorOf(asker.version) },
          { noDeps: true, universal: true },
        ),
      );
      if (listing.ok || listing.network) break;
    }
    if (!listing?.ok) break;
    const files = pylockDistributions(listing.packages);
    for (const other of ranking.candidates) {
      const otherTarget = targetOf(other.interpreter, platform);
      if (otherTarget && !gaps.has(other.interpreter.path))
        gaps.set(other.interpreter.path, gapsOn(files, otherTarget, { sdistOnly: false }));
    }
    gaps.set(candidate.interpreter.path, gapsOn(files, target, { sdistOnly: false }));
    break;
  }
  const asked = `${cost.probes} uv ${cost.probes === 1 ? "call" : "calls"}, ${cost.seconds.toFixed(1)} s`;
  return pickInterpreter(
    ranking,
    gaps,
    gaps.size > 0 ? `wheels as uv resolves the requirements: ${asked}` : "",
  );
}

function lockedDistributions(
  lock: PythonChoiceInputs["lock"],
  warn: (message: string) => void,
): LockedDistribution[] | null {
  if (!lock) return null;
  try {
    return lock.file === "uv.lock"
      ? uvLockDistributions(readUvLock(lock.text))
      : tomlLockDistributions(parseTomlLock(lock.text, lock.file));
  } catch (error) {
    warn(
      `warning: ${lock.file} could not be read for its wheels (${error instanceof Error ? error.message : String(error)})`,
    );
    return null;
  }
}

function gapsOn(
  locked: LockedDistribution[],
  target: WheelTarget,
  options: { sdistOnly: boolean },
): WheelGap[] {
  return wheelGaps(
    locked,
    target,
    markerEnvironment({ implementation: target.implementation, version: target.version }),
    options,
  );
}

/** The wheel target of an installed interpreter; null for a free-threaded or unreadable one. */
function targetOf(interpreter: InterpreterChoice, platform: WheelTarget["platform"]): WheelTarget | null {
  let freeThreaded: boolean;
  try {
    freeThreaded = /\dt(\.exe)?$/.test(basename(realpathSync(interpreter.path)));
  } catch {
    return null;
  }
  return {
    implementation: interpreter.implementation.toLowerCase(),
    version: interpreter.version,
    freeThreaded,
    platform,
  };
}

/**
 * `--python VERSION|PATH` as a request. A path must be an executable Python on this machine outside the
 * project: an interpreter a checkout commits is never run.
 */
export async function explicitPython(value: string, root: string, from: string): Promise<ExplicitPython> {
  const text = value.trim();
  if (/^\d+\.\d+(\.\d+)?$/.test(text)) return { kind: "version", value: text, from };
  if (!text.includes("/") && !text.includes(sep)) {
    throw new DhtlError(
      "badInput",
      `--python ${JSON.stringify(value)}: expected a version like 3.11 or 3.11.7, or a path`,
      {
        hint: "for example `dhtl setup --python 3.11` or `dhtl setup --python /usr/bin/python3`",
      },
    );
  }
  const path = resolve(text);
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    throw new DhtlError("badInput", `--python ${value}: no such file`);
  }
  const inside = relative(realpathSync(root), real);
  if (inside === "" || !(inside.startsWith("..") || resolve(inside) === inside)) {
    throw new DhtlError(
      "badInput",
      `--python ${value}: the interpreter lies inside the project; dhtl runs only the machine's interpreters`,
      {
        hint: "name an interpreter installed on this machine (pyenv, uv, the system's)",
      },
    );
  }
  const identity = await identifyInterpreter(path);
  if (!identity) throw new DhtlError("badInput", `--python ${value}: not a Python interpreter dhtl can run`);
  return { kind: "interpreter", interpreter: identity, from };
}

function safeRequiresPython(text: string): string | null {
  try {
    return readUvLock(text).requiresPython;
  } catch {
    return null;
  }
}

/** The lock whose wheel file names answer the interpreter question: uv.lock, else poetry.lock or pdm.lock. */
export function lockWithWheels(root: string): PythonChoiceInputs["lock"] {
  const context = projectReadContext(root);
  for (const file of ["uv.lock", "poetry.lock", "pdm.lock"] as const) {
    if (!context.exists(file)) continue;
    try {
      return { file, text: context.readFile(file, { file, line: null }).text };
    } catch {
      return null;
    }
  }
  return null;
}
