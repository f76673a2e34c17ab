import { describeStep, type Plan } from "../run/steps.js";

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
