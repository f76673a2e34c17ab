/**
 * Planning the operating-system packages a build needs. Pure: the command gathers the machine's package
 * manager and which names are missing, this module turns them into one typed step (or none).
 *
 * Build-phase packages matter only when a distribution is really built from source here; that is only
 * known once the lock exists, so the step carries every candidate and the executor decides (see
 * src/run/system-step.ts). `--dry-run` shows the commands for everything missing, flagged as the upper bound.
 */
import type { SystemPackageManager } from "../facts/system-deps/index.js";
import { formatCommand, installCommand } from "../facts/system-packages/index.js";
import type { SystemDependency } from "../facts/types.js";
import type { InstallSystemPackagesStep, Plan, Step } from "../run/steps.js";

export interface SystemPackagesPlanInputs {
  /** This machine's package manager; null when it has none dhtl drives. */
  manager: SystemPackageManager | null;
  /** Inferred from the Python dependencies (any managers; only `manager`'s are kept). */
  dependencies: SystemDependency[];
  /** `.dhtconfig` `systemPackages`. */
  recorded?: Record<string, string[]>;
  missing: string[];
  /** dhtl runs as root: no sudo in the commands. */
  root: boolean;
}

/** The step that makes sure the system packages are there; null when there is nothing to look after. */
export function planSystemPackages(inputs: SystemPackagesPlanInputs): InstallSystemPackagesStep | null {
  const { manager } = inputs;
  if (!manager) return null;
  const dependencies = inputs.dependencies.filter((dependency) => dependency.manager === manager);
  const recorded = [...new Set(inputs.recorded?.[manager] ?? [])].sort();
  if (dependencies.length === 0 && recorded.length === 0) return null;
  const wanted = new Set([...dependencies.map((dependency) => dependency.name), ...recorded]);
  const missing = [...new Set(inputs.missing.filter((name) => wanted.has(name)))].sort();
  const commands = installCommand(manager, missing, { root: inputs.root });
  return {
    kind: "installSystemPackages",
    manager,
    dependencies,
    recorded,
    missing,
    commands,
    reason: systemPackagesReason(dependencies, recorded, missing, commands),
  };
}

/**
 * Puts the step just before the environment is filled (the first sync), where the lock exists and a
 * source build would start. A plan without a sync (nothing to rebuild) is returned as it is.
 */
export function withSystemPackagesStep(plan: Plan, step: InstallSystemPackagesStep | null): Plan {
  if (!step) return plan;
  const at = plan.steps.findIndex((candidate) => candidate.kind === "uvSync" || candidate.kind === "pipSync");
  if (at < 0) return plan;
  const steps: Step[] = [...plan.steps.slice(0, at), step, ...plan.steps.slice(at)];
  return { ...plan, steps };
}

function systemPackagesReason(
  dependencies: SystemDependency[],
  recorded: string[],
  missing: string[],
  commands: string[][],
): string {
  const byDistribution = new Map<string, { build: string[]; runtime: string[] }>();
  for (const dependency of dependencies) {
    const entry = byDistribution.get(dependency.because) ?? { build: [], runtime: [] };
    entry[dependency.phase].push(dependency.name);
    byDistribution.set(dependency.because, entry);
  }
  const parts = [...byDistribution.entries()].map(([distribution, { build, runtime }]) => {
    const needs = [
      build.length > 0 ? `${build.join(", ")} to build from source` : "",
      runtime.length > 0 ? `${runtime.join(", ")} at runtime` : "",
    ].filter(Boolean);
    return `${distribution} needs ${needs.join("; ")}`;
  });
  if (recorded.length > 0) parts.push(`.dhtconfig lists ${recorded.join(", ")}`);
  const status =
    missing.length === 0
      ? "all installed"
      : `missing here: ${missing.join(", ")}; with --yes (or a yes at the prompt) dhtl runs: ${commands.map(formatCommand).join(" && ")} (build packages only when no wheel fits)`;
  return `${parts.join("; ")} — ${status}`;
}
