/**
 * What `dhtl migrate` decides the way `dhtl setup` does, so a migrated project builds and syncs where the
 * old one did: the interpreter for a project that names none (wheel probes: workflows/interpreter.ts), and
 * resolving "as of" the project's last change when nothing pins its versions (plan/as-of.ts).
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import type { ProjectFacts } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import type { AsOfRequest, Resolution } from "../plan/as-of.js";
import { minorOf } from "../plan/interpreter-choice.js";
import { directNames } from "../plan/migrate/plan.js";
import type { ChosenPython, MigrationPlan } from "../plan/migrate/types.js";
import { startInterpreterDiscovery, uvRunner } from "../run/tools.js";
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
