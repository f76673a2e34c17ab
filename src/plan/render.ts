import type { Plan, Step } from "../run/steps.js";
import { describeSystemPackagesStep } from "./system-packages.js";

/** One line per step: what runs and why. Used by `--dry-run` and as the JSON `plan` field. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case "ensureUv":
      return "use uv";
    case "usePython":
      return `use Python ${step.interpreter.version}`;
    case "installPython":
      return `install Python ${step.version} with uv`;
    case "createVenv":
      return "create a new virtual environment";
    case "writeRequirementsIn":
      return `write ${step.file}`;
    case "compileLock":
      return `compile ${step.output} (Python ${step.pythonVersion}, universal, hashes)`;
    case "uvLock":
      return "uv lock";
    case "checkLockFresh":
      return "uv lock --check";
    case "uvSync":
      return `uv sync ${step.locked ? "--locked" : "--frozen"} --all-groups${step.extras.map((extra) => ` --extra ${extra}`).join("")}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "pipSync":
      return `uv pip sync ${step.lockFile}${step.reinstall.length > 0 ? ` (reinstall ${step.reinstall.join(", ")})` : ""}`;
    case "installProject":
      return "uv pip install --no-deps -e .";
    case "copyCurrentEnv":
      return "copy the current environment";
    case "verifyChecksum":
      return "validate the new environment";
    case "swapVenv":
      return "swap it in as .venv";
    case "writeDhtConfig":
      return "write .dhtconfig";
    case "installSystemPackages":
      return describeSystemPackagesStep(step);
    case "lockRuntime":
      return `lock ${step.requirement} in ${step.lockFile}`;
    case "removeRuntimeLock":
      return `remove ${step.lockFile}`;
    case "installRuntime":
      return `install ${step.language} from ${step.lockFile}`;
    case "installComponent":
      return componentDescription(step);
  }
}

export function renderPlan(plan: Plan): string[] {
  const lines = plan.upToDate
    ? [`${plan.command}: the environment is valid, nothing to rebuild (use --force to rebuild anyway)`]
    : [`${plan.command} plan (lock: ${plan.lock.file}, ${plan.lock.kind}):`];
  plan.steps.forEach((step, index) => {
    lines.push(`  ${index + 1}. ${describeStep(step)} — ${step.reason}`);
  });
  return lines;
}

/** The plan as plain JSON data (step kind, description, reason). */
export function planToJson(plan: Plan): { kind: string; description: string; reason: string }[] {
  return plan.steps.map((step) => ({
    kind: step.kind,
    description: describeStep(step),
    reason: step.reason,
  }));
}

function componentDescription(step: Extract<Step, { kind: "installComponent" }>): string {
  const where = step.dir === "." ? "./" : `${step.dir}/`;
  if (step.language === "rust") return `check cargo for ${where}`;
  if (step.language === "go") return `go mod download in ${where}`;
  if (step.packageManager && step.packageManager !== "npm")
    return `${step.packageManager} project in ${where}`;
  return `npm ${step.lockfile?.endsWith(".json") ? "ci" : "install"} in ${where}`;
}
