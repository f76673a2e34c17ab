/**
 * What the machine says about the system packages a build needs: which manager it has, which packages
 * the declared dependencies, the lock and `.dhtconfig` ask for, which of the build-time ones a wheel in
 * the lock makes moot here, and which are missing (one package query). Read-only; planning what to
 * install is src/plan/system-packages.ts.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../../core/compare.js";
import { dhtlCacheDir } from "../../core/paths.js";
import { pinnedNames } from "../../formats/requirements.js";
import { uvLockNames } from "../../formats/uv-lock.js";
import { normalizeName } from "../../pep/names.js";
import { environmentPython, readVenvPython } from "../../python/venv-info.js";
import { hostPlatform } from "../../python/wheel-tags.js";
import { distributionsServedByWheels } from "../lock-wheels.js";
import { type SystemPackageManager, systemDependenciesFor } from "../system-deps/index.js";
import type { SystemDependency } from "../types.js";
import { detectSystemPackageManager, missingPackages } from "./index.js";

/** The lock a build installs from, as far as reading it goes (src/run/steps.ts's LockStrategy is one). */
export interface LockFileRef {
  kind: string;
  file: string;
}

/** The interpreter a build installs into, as the wheel check needs it. */
export interface LockPython {
  implementation: string;
  version: string;
  /** The interpreter binary (a free-threaded build is told by its name). */
  path: string;
}

export interface SystemPackageNeeds {
  manager: SystemPackageManager;
  /** This manager's needs of the declared dependencies and the lock, without those wheels make moot. */
  dependencies: SystemDependency[];
  /** Distributions whose build needs were dropped because a wheel in the lock fits here. */
  served: string[];
  /** What `.dhtconfig` records for this manager: always wanted. */
  recorded: string[];
  /** The names among all of the above that are not installed, sorted. */
  missing: string[];
}

/**
 * Before planning: this machine's manager and what the declared dependencies, the existing lock and
 * `.dhtconfig` ask of it. Null when the machine has no manager dhtl drives or nothing asks for a package.
 */
export async function systemPackageNeeds(
  root: string,
  inputs: {
    dependencies: SystemDependency[];
    recorded?: Record<string, string[]>;
    /** The lock as it is before this run (its transitive distributions count too). */
    lock?: LockFileRef;
    /** Given when the lock is final (regenerate): build needs its wheels make moot are left out. */
    python?: LockPython;
  },
): Promise<SystemPackageNeeds | null> {
  const manager = detectSystemPackageManager();
  if (!manager) return null;
  const lockText = inputs.lock ? readLockText(root, inputs.lock) : null;
  const fromLock = inputs.lock
    ? systemDependenciesFor(distributionsInLock(lockText, inputs.lock), [manager])
    : [];
  let dependencies = mergeDependencies(
    inputs.dependencies.filter((dependency) => dependency.manager === manager),
    fromLock,
  ).sort((a, b) => compareText(sortKey(a), sortKey(b)));
  let served: string[] = [];
  if (inputs.lock && inputs.python) {
    ({ kept: dependencies, served } = withoutWheelServedBuilds(
      dependencies,
      root,
      inputs.lock,
      inputs.python,
      lockText,
    ));
  }
  const recorded = inputs.recorded?.[manager] ?? [];
  if (dependencies.length === 0 && recorded.length === 0) return null;
  const missing = await queryMissing(manager, [...dependencies.map((d) => d.name), ...recorded]);
  return { manager, dependencies, served, recorded, missing };
}

/**
 * Once the lock exists and the new environment has its interpreter: the step's needs plus the lock's,
 * without the build needs a fitting wheel makes moot, and which of them are missing.
 */
export async function systemPackageNeedsOfBuild(
  step: { manager: SystemPackageManager; dependencies: SystemDependency[]; recorded: string[] },
  build: { root: string; envPath: string; lock: LockFileRef },
): Promise<SystemPackageNeeds> {
  const lockText = readLockText(build.root, build.lock);
  const { kept, served } = withoutWheelServedBuilds(
    mergeDependencies(
      step.dependencies,
      systemDependenciesFor(distributionsInLock(lockText, build.lock), [step.manager]),
    ),
    build.root,
    build.lock,
    environmentLockPython(build.envPath),
    lockText,
  );
  const missing = await queryMissing(step.manager, [...kept.map((d) => d.name), ...step.recorded]);
  return { manager: step.manager, dependencies: kept, served, recorded: step.recorded, missing };
}

/** Names of the distributions a lock pins (uv.lock packages, or `name==` lines of a requirements lock). */
export function lockedDistributions(root: string, lock: LockFileRef): string[] {
  return distributionsInLock(readLockText(root, lock), lock);
}

/** The lock's text, or null when it cannot be read (not written yet). */
function readLockText(root: string, lock: LockFileRef): string | null {
  try {
    return readFileSync(join(root, lock.file), "utf8");
  } catch {
    return null;
  }
}

function distributionsInLock(text: string | null, lock: LockFileRef): string[] {
  if (text === null) return [];
  if (lock.kind === "uv") return uvLockNames(text);
  return [...new Set(pinnedNames(text))].sort();
}

function environmentLockPython(envPath: string): LockPython | null {
  try {
    return { ...readVenvPython(envPath), path: environmentPython(envPath) };
  } catch {
    return null;
  }
}

/**
 * Drops the build-phase needs of distributions that uv.lock serves with a wheel fitting this interpreter
 * and machine (no uv dry run, no package query for them); `served` names those distributions.
 */
export function withoutWheelServedBuilds(
  dependencies: SystemDependency[],
  root: string,
  lock: LockFileRef,
  python: LockPython | null,
  /** The lock's text when the caller already read it. */
  lockText: string | null = readLockText(root, lock),
): { kept: SystemDependency[]; served: string[] } {
  const builds = [
    ...new Set(dependencies.filter((d) => d.phase === "build").map((d) => baseName(d.because))),
  ];
  const unchanged = { kept: dependencies, served: [] };
  if (lock.kind !== "uv" || !python || builds.length === 0 || lockText === null || sourceBuildsForced(root))
    return unchanged;
  const served = distributionsServedByWheels(lockText, builds, python, hostPlatform(dhtlCacheDir()));
  return {
    kept: dependencies.filter((d) => d.phase !== "build" || !served.has(baseName(d.because))),
    served: [...served].sort(),
  };
}

/**
 * uv's `no-binary` settings make it build from source even where a wheel fits: then the wheels in the
 * lock prove nothing and uv's own dry run must answer.
 */
function sourceBuildsForced(root: string): boolean {
  if (process.env.UV_NO_BINARY || process.env.UV_NO_BINARY_PACKAGE) return true;
  return ["pyproject.toml", "uv.toml"].some((file) => {
    try {
      return /\bno-binary/.test(readFileSync(join(root, file), "utf8"));
    } catch {
      return false;
    }
  });
}

/**
 * Planning and the build ask about the same names when the lock stays as it was (regenerate): one query
 * answers both. Installing goes through src/run/system-packages.ts, which always asks afresh.
 */
const missingQueries = new Map<string, Promise<string[]>>();

function queryMissing(manager: SystemPackageManager, names: string[]): Promise<string[]> {
  const key = `${manager}\0${[...new Set(names)].sort().join("\0")}`;
  let pending = missingQueries.get(key);
  if (!pending) {
    pending = missingPackages(manager, names);
    missingQueries.set(key, pending);
    pending.catch(() => missingQueries.delete(key));
  }
  return pending;
}

function mergeDependencies(...lists: SystemDependency[][]): SystemDependency[] {
  const seen = new Map<string, SystemDependency>();
  for (const dependency of lists.flat()) {
    seen.set(
      `${dependency.manager}\0${dependency.phase}\0${dependency.name}\0${dependency.because}`,
      dependency,
    );
  }
  return [...seen.values()];
}

function sortKey(dependency: SystemDependency): string {
  return `${dependency.phase}\0${dependency.name}\0${dependency.because}`;
}

/** `psycopg[c]` → `psycopg`: the distribution that is built. */
export function baseName(because: string): string {
  return normalizeName(because.split("[")[0] ?? because);
}
