/**
 * Planning the operating-system packages a build needs. Pure: the command gathers the machine's package
 * manager and which names are missing, this module turns them into one typed step (or none).
 *
 * Build-phase packages matter only when a distribution is really built from source here; that is only
 * known once the lock exists, so the step carries every candidate, and when the build reaches it
 * `planSystemPackagesInstall` decides from what the machine then says (src/workflows/system-packages.ts
 * wires the two). `--dry-run` shows the commands for everything missing, flagged as the upper bound.
 */
import type { SystemPackageManager } from "../facts/system-deps/index.js";
import { formatCommand, installCommand } from "../facts/system-packages/index.js";
import { baseName, type SystemPackageNeeds } from "../facts/system-packages/needs.js";
import type { SystemDependency } from "../facts/types.js";
import type { InstallSystemPackagesStep, Plan, Step } from "../run/steps.js";
import type { SystemPackagesShortfall } from "../run/system-packages.js";

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

/**
 * The distributions whose missing build packages matter only if uv builds them from source here: the
 * ones to ask uv about.
 */
export function buildCandidates(needs: SystemPackageNeeds): string[] {
  const missing = new Set(needs.missing);
  const candidates = needs.dependencies
    .filter((dependency) => dependency.phase === "build" && missing.has(dependency.name))
    .map((dependency) => baseName(dependency.because));
  return [...new Set(candidates)];
}

/**
 * What to install once the lock exists: the runtime packages missing, the build packages of the
 * distributions uv builds from source here (`builtFromSource`) and what `.dhtconfig` records. Either an
 * outcome (nothing to install) or the shortfall to install or report.
 */
export function planSystemPackagesInstall(
  needs: SystemPackageNeeds,
  builtFromSource: string[],
  root: boolean,
): { outcome: string; shortfall?: undefined } | { outcome?: undefined; shortfall: SystemPackagesShortfall } {
  const missing = new Set(needs.missing);
  if (missing.size === 0) {
    return {
      outcome:
        needs.served.length > 0 ? `not needed: wheels fit (${needs.served.join(", ")})` : "all installed",
    };
  }
  const buildMissing = new Map<string, string[]>();
  for (const dependency of needs.dependencies) {
    if (dependency.phase !== "build" || !missing.has(dependency.name)) continue;
    const distribution = baseName(dependency.because);
    buildMissing.set(distribution, [...(buildMissing.get(distribution) ?? []), dependency.name]);
  }
  const builds = builtFromSource.map((distribution) => ({
    distribution,
    packages: [...new Set(buildMissing.get(distribution) ?? [])].sort(),
  }));
  const needed = new Set<string>([
    ...builds.flatMap((build) => build.packages),
    ...needs.dependencies.filter((d) => d.phase === "runtime" && missing.has(d.name)).map((d) => d.name),
    ...needs.recorded.filter((name) => missing.has(name)),
  ]);
  if (needed.size === 0) {
    return { outcome: `not needed: wheels fit (${[...missing].sort().join(", ")} not installed)` };
  }
  const names = [...needed].sort();
  const commands = installCommand(needs.manager, names, { root });
  return { shortfall: { manager: needs.manager, missing: names, builds, commands } };
}

/** The yes/no question a person at a terminal is asked before dhtl installs the shortfall. */
export function consentQuestion(shortfall: SystemPackagesShortfall): string {
  const commands = shortfall.commands.map(formatCommand).join(" && ");
  return `\n${shortfallSentence(shortfall)}.\nRun: ${commands}\nInstall them now? [y/N] `;
}

/** What is said when the shortfall stays missing for want of consent. */
export function withoutConsent(shortfall: SystemPackagesShortfall): { warnings: string[]; outcome: string } {
  return {
    warnings: [
      `warning: ${shortfallSentence(shortfall)}; not installed without consent.`,
      `  install them with: ${shortfall.commands.map(formatCommand).join(" && ")}  (or re-run with --yes)`,
    ],
    outcome: `missing ${shortfall.missing.join(", ")} (not installed: no consent)`,
  };
}

function shortfallSentence(shortfall: SystemPackagesShortfall): string {
  const because = shortfall.builds.map(
    (build) => `${build.distribution} builds from source against ${build.packages.join(", ")}`,
  );
  return `missing ${shortfall.manager} packages: ${shortfall.missing.join(", ")}${because.length > 0 ? ` (${because.join("; ")})` : ""}`;
}
