/**
 * The system-packages step of a setup/regenerate/fix-env plan: reads this machine's package manager and
 * which packages are missing (one query), then lets the pure planner (src/plan/system-packages.ts) turn
 * them into a step placed before the first sync.
 */
import { compareText } from "../core/compare.js";
import { systemDependenciesFor } from "../facts/system-deps/index.js";
import { detectSystemPackageManager, isRoot } from "../facts/system-packages/index.js";
import type { SystemDependency } from "../facts/types.js";
import { planSystemPackages, withSystemPackagesStep } from "../plan/system-packages.js";
import type { InstallSystemPackagesStep, LockStrategy, Plan } from "../run/steps.js";
import {
  distributionsInLock,
  type LockPython,
  mergeDependencies,
  queryMissing,
  readLockText,
  sortKey,
  withoutWheelServedBuilds,
} from "../run/system-step.js";

/**
 * A command's plan with the system-packages step before its first sync. Without a manager dhtl drives,
 * or when nothing asks for a system package, the plan comes back as it was.
 */
export async function withSystemPackages(
  plan: Plan,
  dependencies: SystemDependency[],
  recorded: Record<string, string[]> | undefined,
  /** The interpreter of a build whose lock stays as it is (regenerate): wheel-served builds are left out. */
  python?: LockPython | null,
): Promise<Plan> {
  if (!plan.steps.some((step) => step.kind === "uvSync" || step.kind === "pipSync")) return plan;
  const step = await systemPackagesStepFor(plan.root, {
    dependencies,
    recorded,
    lock: plan.lock,
    python: python ?? undefined,
  });
  return withSystemPackagesStep(plan, step);
}

/**
 * What a command gathers before planning: this machine's manager, the system packages the declared
 * dependencies, the existing lock and `.dhtconfig` ask for, and which of them are missing (one query).
 * Null when the machine has no manager dhtl drives or nothing asks for a system package.
 */
export async function systemPackagesStepFor(
  root: string,
  inputs: {
    dependencies: SystemDependency[];
    recorded?: Record<string, string[]>;
    /** The lock as it is before this run (its transitive distributions count too). */
    lock?: LockStrategy;
    /** Given when the lock is final (regenerate): build needs its wheels make moot are left out. */
    python?: LockPython;
  },
): Promise<InstallSystemPackagesStep | null> {
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
  if (inputs.lock && inputs.python) {
    dependencies = withoutWheelServedBuilds(dependencies, root, inputs.lock, inputs.python, lockText).kept;
  }
  const recorded = inputs.recorded?.[manager] ?? [];
  if (dependencies.length === 0 && recorded.length === 0) return null;
  const missing = await queryMissing(manager, [...dependencies.map((d) => d.name), ...recorded]);
  return planSystemPackages({ manager, dependencies, recorded: inputs.recorded, missing, root: isRoot() });
}
