/**
 * Which dev tools a build installs isolated (run/dev-tools.ts), and where the step goes in its plan.
 *
 * setup: every tool the project's files show it runs (facts/dev-tools.ts) and every tool `.dhtconfig`
 * records, except those the project declares as dependencies (the lock installs them: never twice). A
 * recorded exact version is kept; a new tool takes the version the project's files name (a pre-commit
 * mirror's rev), else the newest that installs, resolved once and recorded.
 * regenerate and fix-env: exactly what `.dhtconfig` records.
 */
import type { DevToolUse } from "../facts/dev-tools.js";
import { normalizeName } from "../pep/names.js";
import { type ToolRequest, toolRequestOf } from "../run/dev-tools.js";
import type { Plan, Step } from "../run/steps.js";

export interface SetupToolsInputs {
  detected: DevToolUse[];
  recorded: Record<string, string> | undefined;
  /** Normalised names the project declares anywhere (main, extras, groups). */
  declared: Iterable<string>;
}

export interface ToolChoice {
  requests: ToolRequest[];
  /** Tools left out, with why (`black: declared in the project, the lock installs it`). */
  skipped: string[];
}

/** The tools setup installs. */
export function chooseSetupTools(inputs: SetupToolsInputs): ToolChoice {
  const declared = new Set([...inputs.declared].map(normalizeName));
  const byName = new Map<string, ToolRequest>();
  for (const [name, value] of Object.entries(inputs.recorded ?? {})) {
    byName.set(normalizeName(name), toolRequestOf(name, value));
  }
  for (const tool of inputs.detected) {
    if (byName.has(tool.name)) continue;
    byName.set(tool.name, { name: tool.name, version: tool.versionHint, spec: null });
  }
  const requests: ToolRequest[] = [];
  const skipped: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    if (declared.has(name)) skipped.push(`${name}: declared in the project, the lock installs it`);
    else requests.push(byName.get(name)!);
  }
  return { requests, skipped };
}

/**
 * The plan with an `installTools` step: in a build, before the new environment is checked, recorded and
 * swapped in (its wrappers go into it); in a plan with nothing else to do, alone on the live `.venv`.
 */
export function withToolsStep(plan: Plan, requests: ToolRequest[], reason: string): Plan {
  if (requests.length === 0) return plan;
  const builds = plan.steps.some((step) => step.kind === "createVenv" || step.kind === "copyCurrentEnv");
  const step: Step = { kind: "installTools", tools: requests, live: !builds, reason };
  if (!builds) {
    const ensureUv: Step[] = plan.steps.some((s) => s.kind === "ensureUv")
      ? []
      : [{ kind: "ensureUv", reason: "uv installs the tools" }];
    return { ...plan, steps: [...plan.steps, ...ensureUv, step], upToDate: false };
  }
  const at = plan.steps.findIndex(
    (s) => s.kind === "verifyChecksum" || s.kind === "writeDhtConfig" || s.kind === "swapVenv",
  );
  const steps = [...plan.steps];
  steps.splice(at < 0 ? steps.length : at, 0, step);
  return { ...plan, steps };
}
