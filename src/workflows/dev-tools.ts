/**
 * Dev tools and git hooks in the build workflows: which tools a plan installs (facts/dev-tools.ts reads
 * the project, plan/tools-plan.ts chooses, run/dev-tools.ts installs), and, once the environment is live,
 * the project's pre-commit hooks — installed by `pre-commit install` with the user's consent, like system
 * packages, because it writes into `.git/hooks`, where dhtl itself never writes.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import type { Output } from "../core/output.js";
import { declaredNames } from "../facts/collect.js";
import { detectDevTools, PRE_COMMIT_CONFIG, preCommitHookTypes } from "../facts/dev-tools.js";
import { formatCommand } from "../facts/system-packages/index.js";
import type { ProjectModel } from "../facts/types.js";
import { normalizeName } from "../pep/names.js";
import { type GitHooksPlan, type PreCommitInstaller, planGitHooks } from "../plan/git-hooks.js";
import { chooseSetupTools, withToolsStep } from "../plan/tools-plan.js";
import { readInstalledDistributions, sitePackagesDirs } from "../python/dist-info.js";
import { toolRequestsOf } from "../run/dev-tools.js";
import { readToolWrappers } from "../run/env-wrappers.js";
import { gitHookPaths, installedPreCommitHooks, runPreCommitInstall } from "../run/git-hooks.js";
import type { Plan } from "../run/steps.js";
import { currentEnvironment } from "../run/venv.js";
import type { ToolDrift } from "../verify/tools-drift.js";
import type { SystemPackagesConsent } from "./system-packages.js";

/** setup's plan with the dev tools the project runs and its lock lacks (warnings for files it could not read). */
export function withSetupTools(
  plan: Plan,
  project: ProjectModel,
  recorded: Record<string, string> | undefined,
  out: Output,
): Plan {
  const detected = detectDevTools(plan.root);
  for (const problem of detected.diagnostics)
    out.warn(`warning: ${problem.file}${problem.line ? `:${problem.line}` : ""}: ${problem.message}`);
  const choice = chooseSetupTools({
    detected: detected.tools,
    recorded,
    declared: declaredNames(project),
  });
  const evidence = detected.tools
    .filter((tool) => choice.requests.some((request) => request.name === tool.name))
    .map((tool) => `${tool.name}: ${tool.evidence[0]}`);
  return withToolsStep(
    plan,
    choice.requests,
    `the project runs them and does not declare them (${evidence.join("; ") || "recorded in .dhtconfig"}); each isolated, pinned and recorded`,
  );
}

/**
 * regenerate's and fix-env's plan with the recorded tools, when it builds an environment or a tool drifted.
 * Always the whole set: a tool already in place costs a look at its files, and the step leaves `bin/`
 * exposing exactly the recorded tools.
 */
export function withRecordedTools(
  plan: Plan,
  recorded: Record<string, string> | undefined,
  drifted: ToolDrift[] | null,
): Plan {
  const builds = plan.steps.some((step) => step.kind === "createVenv" || step.kind === "copyCurrentEnv");
  if (!builds && (drifted ?? []).length === 0) return plan;
  return withToolsStep(
    plan,
    toolRequestsOf(recorded),
    "recorded in .dhtconfig tools:, installed isolated with uv tool",
  );
}

/** What happened to the project's git hooks, for the command's output. */
export interface GitHooksOutcome {
  status: "installed" | "present" | "declined" | "planned" | "unavailable" | "failed";
  /** The command that installs them (run, or to run by hand). */
  command: string[] | null;
  hookTypes: string[];
  message: string;
}

/**
 * After a build: when the project has a `.pre-commit-config.yaml` at the top of a git work tree and its
 * hooks are not installed for the pre-commit it now has, runs `pre-commit install` with consent (`--yes`,
 * or yes on a terminal); without it, prints the command. Null when there is nothing to do with hooks.
 */
export async function installGitHooks(
  root: string,
  ui: { out: Output; consent: SystemPackagesConsent },
  options: { dryRun: boolean },
): Promise<GitHooksOutcome | null> {
  const configPath = join(root, PRE_COMMIT_CONFIG);
  if (!existsSync(configPath)) return null;
  const paths = await gitHookPaths(root);
  if (!paths || !samePath(paths.toplevel, root)) return null;
  const hookTypes = preCommitHookTypes(readFileSync(configPath, "utf8"));
  const plan = planGitHooks({
    hookTypes,
    installed: installedPreCommitHooks(paths.hooksDir, hookTypes),
    installer: preCommitInstaller(root),
  });
  return carryOut(plan, root, hookTypes, ui, options);
}

async function carryOut(
  plan: GitHooksPlan,
  root: string,
  hookTypes: string[],
  ui: { out: Output; consent: SystemPackagesConsent },
  options: { dryRun: boolean },
): Promise<GitHooksOutcome> {
  if (plan.action === "none") {
    const present = plan.reason.startsWith("git hooks already");
    if (!present) ui.out.warn(`note: ${plan.reason}`);
    return { status: present ? "present" : "unavailable", command: null, hookTypes, message: plan.reason };
  }
  const shown = formatCommand(plan.argv);
  if (options.dryRun) return { status: "planned", command: plan.argv, hookTypes, message: plan.reason };
  const question = `${plan.reason}. Run \`${shown}\` (pre-commit writes the hooks into .git/hooks)? [y/N] `;
  const agreed = ui.consent.yes || (ui.consent.ask !== null && (await ui.consent.ask(question)));
  if (!agreed) {
    ui.out.warn(`note: ${plan.reason}; to install the git hooks run: ${shown}   (or rerun with --yes)`);
    return { status: "declined", command: plan.argv, hookTypes, message: plan.reason };
  }
  const failure = await runPreCommitInstall(plan.argv, root);
  if (failure) {
    ui.out.warn(`warning: \`${shown}\` failed: ${failure}`);
    return { status: "failed", command: plan.argv, hookTypes, message: failure };
  }
  const message = `installed the git hooks (${hookTypes.join(", ")}) with pre-commit`;
  ui.out.warn(`${message}: ${shown}`);
  return { status: "installed", command: plan.argv, hookTypes, message };
}

/** The pre-commit to install the hooks with: the lock's in `.venv`, else the pinned tool's; null when neither. */
function preCommitInstaller(root: string): PreCommitInstaller | null {
  const current = currentEnvironment(root);
  if (current.kind !== "managed") return null;
  const inLock = sitePackagesDirs(current.path).some((site) =>
    readInstalledDistributions(site).some((dist) => dist.normalized === normalizeName("pre-commit")),
  );
  if (inLock) {
    // Through the `.venv` link, not the environment's own directory: the hooks keep working across swaps.
    const python = join(root, ".venv", "bin", "python");
    return { argv: [python, "-m", "pre_commit", "install"], python };
  }
  const wrapper = readToolWrappers(current.path).get("pre-commit");
  if (!wrapper) return null;
  const home = join(wrapper.target, "..", "..");
  return { argv: [wrapper.target, "install"], python: join(home, "pre-commit", "bin", "python") };
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}
