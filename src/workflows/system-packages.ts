/**
 * System packages through the stages: the machine is read in src/facts/system-packages/, the step and the
 * install are planned in src/plan/system-packages.ts, consent comes from the caller (src/cli/consent.ts
 * asks on a terminal), and installing is src/run/system-packages.ts.
 *
 * Which build packages matter is only known once the lock exists, so the plan carries a step whose
 * install part is decided when the build reaches it: the executor hands the step to
 * `decideSystemPackages` and carries out the decision.
 */
import type { Output } from "../core/output.js";
import { isRoot } from "../facts/system-packages/index.js";
import {
  type LockPython,
  systemPackageNeeds,
  systemPackageNeedsOfBuild,
} from "../facts/system-packages/needs.js";
import type { SystemDependency } from "../facts/types.js";
import {
  buildCandidates,
  consentQuestion,
  planSystemPackages,
  planSystemPackagesInstall,
  withoutConsent,
  withSystemPackagesStep,
} from "../plan/system-packages.js";
import type { SystemPackagesDecision } from "../run/execute.js";
import type { BuildTarget } from "../run/install.js";
import type { InstallSystemPackagesStep, LockStrategy, Plan } from "../run/steps.js";
import { distributionsBuiltFromSource } from "../run/system-packages.js";

/** How a person agreed (or can be asked) to let dhtl install system packages. */
export interface SystemPackagesConsent {
  /** `--yes`: install without asking. */
  yes: boolean;
  /** Asks a yes/no question; null when nobody can answer (stdin is not a terminal). */
  ask: ((question: string) => Promise<boolean>) | null;
}

export const NO_CONSENT: SystemPackagesConsent = { yes: false, ask: null };

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

/** The step for this machine (null when it has no manager dhtl drives, or nothing asks for a package). */
export async function systemPackagesStepFor(
  root: string,
  inputs: Parameters<typeof systemPackageNeeds>[1],
): Promise<InstallSystemPackagesStep | null> {
  const needs = await systemPackageNeeds(root, inputs);
  if (!needs) return null;
  return planSystemPackages({
    manager: needs.manager,
    dependencies: needs.dependencies,
    recorded: inputs.recorded,
    missing: needs.missing,
    root: isRoot(),
  });
}

/**
 * When the build reaches the step (the lock exists, the new environment has its interpreter): read what
 * is missing now, ask uv which candidates it would build from source, plan what to install, and ask for
 * consent. Without it, warns with the command and reports the shortfall.
 */
export async function decideSystemPackages(
  step: InstallSystemPackagesStep,
  build: BuildTarget & { lock: LockStrategy },
  ui: { out: Output; consent: SystemPackagesConsent },
): Promise<SystemPackagesDecision> {
  const needs = await systemPackageNeedsOfBuild(step, build);
  const candidates = buildCandidates(needs);
  // Build packages count only for distributions without a usable wheel here: ask uv, not a guess.
  const fromSource = candidates.length > 0 ? await distributionsBuiltFromSource(build, candidates) : [];
  const planned = planSystemPackagesInstall(needs, fromSource, isRoot());
  if (!planned.shortfall) return { install: null, outcome: planned.outcome, shortfall: null };
  const { shortfall } = planned;
  const agreed =
    ui.consent.yes || (ui.consent.ask !== null && (await ui.consent.ask(consentQuestion(shortfall))));
  if (agreed)
    return {
      install: { manager: shortfall.manager, names: shortfall.missing },
      outcome: "",
      shortfall: null,
    };
  const refused = withoutConsent(shortfall);
  for (const line of refused.warnings) ui.out.warn(line);
  return { install: null, outcome: refused.outcome, shortfall };
}
