/**
 * What `dhtl migrate` decides the way `dhtl setup` does, so a migrated project builds and syncs where the
 * old one did: the interpreter for a project that names none (wheel probes: workflows/interpreter.ts), and
 * resolving "as of" the project's last change when nothing pins its versions (plan/as-of.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import { collectProject } from "../facts/collect.js";
import { lastCommitDate } from "../facts/git-checkout.js";
import type { OldLockedVersion } from "../facts/migration/types.js";
import type { ProjectFacts } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import { normalizeVersion } from "../pep/pep440.js";
import { type AsOfRequest, DORMANT_AFTER_DAYS, type Resolution } from "../plan/as-of.js";
import { minorOf } from "../plan/interpreter-choice.js";
import { directNames } from "../plan/migrate/plan.js";
import type { BuildToolsAsOf, ChosenPython, MigrationPlan } from "../plan/migrate/types.js";
import { PROJECT_LOCKS } from "../plan/project-lock.js";
import { compareVersions } from "../python/discover.js";
import { newestBinaryPython, pylockDistributions } from "../python/lock-fit.js";
import { excludeNewerArgs } from "../run/install.js";
import { startInterpreterDiscovery, uvRunner } from "../run/tools.js";
import { probeWheels } from "../run/wheel-probe.js";
import { choosePython, lockWithWheels } from "./interpreter.js";
import { projectDateOnce, resolutionFor } from "./resolution.js";
import { probeRequirements, readProjectLock } from "./setup-locks.js";

/**
 * The interpreter `dhtl setup` would take (every locked or resolved version has a wheel on it, ranked by
 * the project's hints), as an `X.Y` pin; null when none is installed or uv cannot say.
 */
export async function chooseMigrationPython(facts: ProjectFacts, out: Output): Promise<ChosenPython | null> {
  const uvLockExists = existsSync(join(facts.root, "uv.lock"));
  const projectLock = uvLockExists ? null : readProjectLock(facts.root, facts);
  let runner: ReturnType<typeof uvRunner> | null = null;
  const choice = await choosePython({
    facts,
    interpreters: await startInterpreterDiscovery(),
    explicit: null,
    recorded: null,
    lock: lockWithWheels(facts.root),
    probe: probeRequirements(facts, projectLock, [], uvLockExists),
    uv: () => {
      runner ??= uvRunner(out);
      return runner;
    },
    warn: (message) => out.warn(message),
  });
  const plan = choice.plan;
  const decision = plan.kind === "use" ? plan.decision : plan.fallback;
  if (!decision) return null;
  return {
    minor: minorOf(decision.interpreter.version),
    // The reason without its probe cost ("(wheels as uv resolves …: 2 uv calls, 2.9 s)"): notes stay the same run to run.
    why: `the Python \`dhtl setup\` chooses here (${decision.reason.replace(/; \([^;]*\)$/, "")})`,
  };
}

/**
 * The time to lock as of: `--as-of`, else the project's own date when nothing pins its versions and its
 * code last changed over a year ago (plan/as-of.ts); null for today's releases. Besides the lock files
 * setup counts, `==` pins of every direct requirement (microblog's requirements.txt) pin the versions:
 * the migration keeps them.
 */
export async function migrationResolution(
  facts: ProjectFacts,
  plan: Pick<MigrationPlan, "project" | "oldLock">,
  request: AsOfRequest | undefined,
  python: string | null,
): Promise<(Resolution & { automatic: boolean }) | null> {
  if (request === undefined && everyDirectPinned(plan)) return null;
  const resolution = await resolutionFor(facts, {
    request,
    recorded: undefined,
    uvLockExists: existsSync(join(facts.root, "uv.lock")),
    projectDate: projectDateOnce(facts),
    python,
  });
  return resolution ? { ...resolution, automatic: request === undefined } : null;
}

function everyDirectPinned(plan: Pick<MigrationPlan, "project" | "oldLock">): boolean {
  const pinned = new Set(plan.oldLock.map((pin) => pin.name));
  const direct = [...directNames(plan.project)].filter((name) => name !== normalizeName(plan.project.name));
  return direct.length > 0 && direct.every((name) => pinned.has(name));
}

/**
 * Old pins whose binary wheels all stop at an older CPython (python/lock-fit.ts `newestBinaryPython`), each
 * with the marker that keeps it to those Pythons (`python_version < "3.7"` for PyYAML 3.12): a newer Python
 * in the lock's range gets a version that installs there instead of an sdist that predates it. Asked of uv
 * (every file each pinned version publishes: one `uv pip compile --universal --no-deps`); none when uv
 * cannot say.
 */
export async function pythonLimitsOfPins(
  pins: OldLockedVersion[],
  out: Output,
): Promise<Map<string, string>> {
  const limits = new Map<string, string>();
  if (pins.length === 0) return limits;
  const interpreters = (await startInterpreterDiscovery())
    .filter((i) => i.implementation === "cpython" && /^3\.(\d+)\./.test(i.version))
    .filter((i) => Number(minorOf(i.version).split(".")[1]) >= 6)
    .sort((a, b) => compareVersions(a.version, b.version));
  const uv = await uvRunner(out);
  const text = `${pins.map((pin) => `${pin.name}==${pin.version}`).join("\n")}\n`;
  // The oldest interpreter lists every wheel; a pin that needs a newer Python makes the next one ask.
  for (const asker of interpreters.slice(0, 2)) {
    const listing = await probeWheels(
      uv,
      text,
      { path: asker.path, version: minorOf(asker.version) },
      { noDeps: true, universal: true },
    );
    if (!listing.ok) {
      if (listing.network) break;
      continue;
    }
    for (const dist of pylockDistributions(listing.packages)) {
      const newest = newestBinaryPython(dist.wheels);
      if (newest !== null) limits.set(pinKey(dist), `python_version < "3.${newest + 1}"`);
    }
    break;
  }
  return limits;
}

/** `name==version`, normalised, to match a pin with uv's listing. */
export function pinKey(pin: { name: string; version: string }): string {
  return `${normalizeName(pin.name)}==${normalizeVersion(pin.version) ?? pin.version}`;
}

/**
 * The build tools of the old lock's time (setup's rule for a project lock over a year old: run/install.ts
 * `excludeNewerArgs`), with the Python they run on: the plan's pin, else the one setup chooses. Null when the
 * project has no such lock, it changed within the year, git cannot date it, or no interpreter is found.
 */
export async function oldBuildTools(
  root: string,
  plan: Pick<MigrationPlan, "oldLock" | "changes">,
  out: Output,
): Promise<BuildToolsAsOf | null> {
  const file = PROJECT_LOCKS.find((lock) => plan.oldLock.some((pin) => pin.file === lock));
  const lockDate = file ? await lastCommitDate(root, [file]) : null;
  if (!file || !lockDate || Date.now() - Date.parse(lockDate) <= DORMANT_AFTER_DAYS * 86_400_000) return null;
  const pinned =
    plan.changes.find((c) => c.path === ".python-version")?.after ??
    (existsSync(join(root, ".python-version")) ? readFileSync(join(root, ".python-version"), "utf8") : "");
  const python =
    /^\s*(\d+\.\d+)/.exec(pinned)?.[1] ?? (await chooseMigrationPython(collectProject(root), out))?.minor;
  if (!python) return null;
  const args = excludeNewerArgs(lockDate, { python });
  const held = new Map(
    args.flatMap((arg, i) => (args[i - 1] === "--exclude-newer-package" ? [arg.split("=")] : [])) as [
      string,
      string,
    ][],
  );
  const setuptools = held.get("setuptools") ?? lockDate;
  const wheel = held.get("wheel") ?? lockDate;
  return {
    // wheel never older than setuptools: setuptools 40.8's dist_info needs the wheel of its time (0.33).
    packages: { setuptools, wheel: [setuptools, wheel].sort()[1] ?? wheel },
    python,
    why: `${file} last changed ${lockDate.slice(0, 10)}`,
  };
}
