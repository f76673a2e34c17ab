/**
 * Carrying out `installSystemPackages`: once the lock exists, find which missing system packages this
 * build really needs (runtime ones always; build ones only for distributions that uv would build from
 * source here), then install them with consent, or warn and go on without it. When a build then fails
 * for want of them, the failure is explained with the missing packages and the exact command.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { dhtlCacheDir } from "../core/paths.js";
import { type SystemPackageManager, systemDependenciesFor } from "../facts/system-deps/index.js";
import {
  formatCommand,
  installCommand,
  installPackages,
  isRoot,
  missingPackages,
} from "../facts/system-packages/index.js";
import type { SystemDependency } from "../facts/types.js";
import { pinnedNames } from "../formats/requirements.js";
import { uvLockNames } from "../formats/uv-lock.js";
import { normalizeName } from "../pep/names.js";
import { readVenvPython } from "../python/venv-info.js";
import { hostPlatform } from "../python/wheel-tags.js";
import { type BuildTarget, uvEnvironment } from "./install.js";
import { distributionsServedByWheels } from "./lock-wheels.js";
import type { InstallSystemPackagesStep, LockStrategy } from "./steps.js";
import { environmentPython } from "./venv.js";

/** How a person agreed (or can be asked) to let dhtl install system packages. */
export interface SystemPackagesConsent {
  /** `--yes`: install without asking. */
  yes: boolean;
  /** Asks a yes/no question; null when nobody can answer (stdin is not a terminal). */
  ask: ((question: string) => Promise<boolean>) | null;
}

export const NO_CONSENT: SystemPackagesConsent = { yes: false, ask: null };

export interface SystemStepContext extends BuildTarget {
  lock: LockStrategy;
  out: Output;
  consent: SystemPackagesConsent;
}

/** Packages this build needs that were left missing (no consent), kept to explain a later build failure. */
export interface SystemPackagesShortfall {
  manager: SystemPackageManager;
  missing: string[];
  /** Distributions uv will build from source, and the missing packages each one's build needs. */
  builds: { distribution: string; packages: string[] }[];
  commands: string[][];
}

export interface SystemStepResult {
  outcome: string;
  shortfall: SystemPackagesShortfall | null;
}

/** `--yes` consents; otherwise a person at a terminal is asked, and nobody else is. */
export function consentFrom(yes: unknown): SystemPackagesConsent {
  return yes === true ? { yes: true, ask: null } : { yes: false, ask: terminalQuestion() };
}

export async function performSystemPackagesStep(
  step: InstallSystemPackagesStep,
  ctx: SystemStepContext,
): Promise<SystemStepResult> {
  const { manager } = step;
  const lockText = readLockText(ctx.root, ctx.lock);
  const { kept: dependencies, served } = withoutWheelServedBuilds(
    mergeDependencies(
      step.dependencies,
      systemDependenciesFor(distributionsInLock(lockText, ctx.lock), [manager]),
    ),
    ctx.root,
    ctx.lock,
    environmentLockPython(ctx.envPath),
    lockText,
  );
  const missing = new Set(
    await queryMissing(manager, [...dependencies.map((dependency) => dependency.name), ...step.recorded]),
  );
  if (missing.size === 0) {
    const outcome = served.length > 0 ? `not needed: wheels fit (${served.join(", ")})` : "all installed";
    return { outcome, shortfall: null };
  }

  // Build packages count only for distributions without a usable wheel here: ask uv, not a guess.
  const buildMissing = new Map<string, string[]>();
  for (const dependency of dependencies) {
    if (dependency.phase !== "build" || !missing.has(dependency.name)) continue;
    const distribution = baseName(dependency.because);
    buildMissing.set(distribution, [...(buildMissing.get(distribution) ?? []), dependency.name]);
  }
  const fromSource =
    buildMissing.size > 0 ? await distributionsBuiltFromSource(ctx, [...buildMissing.keys()]) : [];
  const builds = fromSource.map((distribution) => ({
    distribution,
    packages: [...new Set(buildMissing.get(distribution) ?? [])].sort(),
  }));
  const needed = new Set<string>([
    ...builds.flatMap((build) => build.packages),
    ...dependencies.filter((d) => d.phase === "runtime" && missing.has(d.name)).map((d) => d.name),
    ...step.recorded.filter((name) => missing.has(name)),
  ]);
  if (needed.size === 0) {
    return {
      outcome: `not needed: wheels fit (${[...missing].sort().join(", ")} not installed)`,
      shortfall: null,
    };
  }
  const names = [...needed].sort();
  const commands = installCommand(manager, names, { root: isRoot() });
  const shortfall: SystemPackagesShortfall = { manager, missing: names, builds, commands };
  if (await agreed(ctx, shortfall)) {
    await installPackages(manager, names, {
      consent: true,
      onCommand: (argv) => ctx.out.warn(`running: ${formatCommand(argv)}`),
    });
    return { outcome: `installed ${names.join(", ")}`, shortfall: null };
  }
  ctx.out.warn(`warning: ${shortfallSentence(shortfall)}; not installed without consent.`);
  ctx.out.warn(`  install them with: ${commands.map(formatCommand).join(" && ")}  (or re-run with --yes)`);
  return { outcome: `missing ${names.join(", ")} (not installed: no consent)`, shortfall };
}

/**
 * A failed install explained by the system packages left missing: the distribution, the packages and
 * the command. Any other error is returned as it is.
 */
export function explainWithShortfall(error: unknown, shortfall: SystemPackagesShortfall | null): unknown {
  if (!shortfall || shortfall.builds.length === 0) return error;
  if (!(error instanceof DhtlError) || error.code !== "toolFailed") return error;
  const text = error.message;
  // A download or hash failure is not a build failing for want of headers.
  if (!/build/i.test(text) || /^(network error|hash mismatch)/i.test(text)) return error;
  const named = shortfall.builds.filter((build) =>
    new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(build.distribution)}([^A-Za-z0-9_.-]|$)`, "i").test(
      text.replace(/[-_.]+/g, "-"),
    ),
  );
  if (named.length === 0) return error;
  const culprits = named;
  const what = culprits
    .map((build) => `${build.distribution} (needs ${build.packages.join(", ")})`)
    .join(", ");
  const packages = [...new Set(culprits.flatMap((build) => build.packages))].sort();
  const command = installCommand(shortfall.manager, packages, { root: isRoot() })
    .map(formatCommand)
    .join(" && ");
  return new DhtlError(
    "toolFailed",
    `failed to build ${what}: missing ${shortfall.manager} packages ${packages.join(", ")}; install them with: ${command}`,
    { hint: "or re-run with --yes to let dhtl install them", cause: error },
  );
}

/**
 * The candidates among the lock's distributions that uv would build from source in this environment.
 * uv names one wheel-less distribution per failed dry run, so candidates are allowed to build one by one
 * until the dry run passes. Should uv fail for another reason, every remaining candidate counts (the
 * honest answer is "maybe").
 */
export async function distributionsBuiltFromSource(
  target: BuildTarget & { lock: LockStrategy },
  candidates: string[],
): Promise<string[]> {
  let remaining = [...new Set(candidates.map(normalizeName))].sort();
  const built: string[] = [];
  while (remaining.length > 0) {
    const failure = await dryRunWithoutBuilding(target, remaining);
    if (failure === null) break;
    const named = new Set(wheelLessDistributions(failure));
    const found = remaining.filter((name) => named.has(name));
    if (found.length === 0) {
      built.push(...remaining);
      break;
    }
    built.push(...found);
    remaining = remaining.filter((name) => !named.has(name));
  }
  return built.sort();
}

/** Normalised names uv's message says have no usable wheel while building them is disabled. */
export function wheelLessDistributions(message: string): string[] {
  const patterns = [
    /Wheels are required for `([^`]+)`/g,
    /Because (\S+?)(?:==\S+)? has no usable wheels/g,
    /Distribution `([^`\s=@]+)[^`]*` can't be installed because it is marked as `--no-build`/g,
  ];
  const names = new Set<string>();
  for (const pattern of patterns) {
    for (const match of message.matchAll(pattern)) names.add(normalizeName(match[1]!));
  }
  return [...names].sort();
}

/** The stderr of a dry run that may not build `noBuild`; null when it passes. */
async function dryRunWithoutBuilding(
  target: BuildTarget & { lock: LockStrategy },
  noBuild: string[],
): Promise<string | null> {
  const python = environmentPython(target.envPath);
  const args =
    target.lock.kind === "uv"
      ? [
          "sync",
          "--dry-run",
          "--frozen",
          "--all-groups",
          "--python",
          python,
          ...noBuild.flatMap((name) => ["--no-build-package", name]),
        ]
      : [
          "pip",
          "sync",
          "--dry-run",
          "--require-hashes",
          "--python",
          python,
          ...noBuild.flatMap((name) => ["--only-binary", name]),
          target.lock.file,
        ];
  const env =
    target.lock.kind === "uv" ? uvEnvironment({ UV_PROJECT_ENVIRONMENT: target.envPath }) : uvEnvironment();
  try {
    await target.uv(args, { cwd: target.root, env });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Names of the distributions a lock pins (uv.lock packages, or `name==` lines of a requirements lock). */
export function lockedDistributions(root: string, lock: LockStrategy): string[] {
  return distributionsInLock(readLockText(root, lock), lock);
}

/** The lock's text, or null when it cannot be read (not written yet). */
export function readLockText(root: string, lock: LockStrategy): string | null {
  try {
    return readFileSync(join(root, lock.file), "utf8");
  } catch {
    return null;
  }
}

export function distributionsInLock(text: string | null, lock: LockStrategy): string[] {
  if (text === null) return [];
  if (lock.kind === "uv") return uvLockNames(text);
  return [...new Set(pinnedNames(text))].sort();
}

/** On a terminal: one question on stderr, one line read from stdin. Null when stdin is not a terminal. */
export function terminalQuestion(): SystemPackagesConsent["ask"] {
  if (!process.stdin.isTTY) return null;
  return (question) =>
    new Promise((resolve) => {
      const prompt = createInterface({ input: process.stdin, output: process.stderr });
      prompt.question(question, (answer) => {
        prompt.close();
        resolve(/^\s*y(es)?\s*$/i.test(answer));
      });
    });
}

async function agreed(ctx: SystemStepContext, shortfall: SystemPackagesShortfall): Promise<boolean> {
  if (ctx.consent.yes) return true;
  if (!ctx.consent.ask) return false;
  const commands = shortfall.commands.map(formatCommand).join(" && ");
  return ctx.consent.ask(`\n${shortfallSentence(shortfall)}.\nRun: ${commands}\nInstall them now? [y/N] `);
}

function shortfallSentence(shortfall: SystemPackagesShortfall): string {
  const because = shortfall.builds.map(
    (build) => `${build.distribution} builds from source against ${build.packages.join(", ")}`,
  );
  return `missing ${shortfall.manager} packages: ${shortfall.missing.join(", ")}${because.length > 0 ? ` (${because.join("; ")})` : ""}`;
}

/** The interpreter a build installs into, as the wheel check needs it. */
export interface LockPython {
  implementation: string;
  version: string;
  /** The interpreter binary (a free-threaded build is told by its name). */
  path: string;
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
  lock: LockStrategy,
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
 * Planning and the step itself ask about the same names when the lock stays as it was (regenerate):
 * one query answers both. Installing goes through `installPackages`, which always asks afresh.
 */
const missingQueries = new Map<string, Promise<string[]>>();

export function queryMissing(manager: SystemPackageManager, names: string[]): Promise<string[]> {
  const key = `${manager}\0${[...new Set(names)].sort().join("\0")}`;
  let pending = missingQueries.get(key);
  if (!pending) {
    pending = missingPackages(manager, names);
    missingQueries.set(key, pending);
    pending.catch(() => missingQueries.delete(key));
  }
  return pending;
}

export function mergeDependencies(...lists: SystemDependency[][]): SystemDependency[] {
  const seen = new Map<string, SystemDependency>();
  for (const dependency of lists.flat()) {
    seen.set(
      `${dependency.manager}\0${dependency.phase}\0${dependency.name}\0${dependency.because}`,
      dependency,
    );
  }
  return [...seen.values()];
}

export function sortKey(dependency: SystemDependency): string {
  return `${dependency.phase}\0${dependency.name}\0${dependency.because}`;
}

/** `psycopg[c]` → `psycopg`: the distribution that is built. */
function baseName(because: string): string {
  return normalizeName(because.split("[")[0] ?? because);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
