/**
 * Whether setup should run `pre-commit install`, and with which pre-commit: the one the lock installs into
 * the environment (run as `.venv/bin/python -m pre_commit`, so the hook scripts name `.venv`'s interpreter,
 * which stays valid when dhtl swaps a rebuilt environment in), else the pinned tool dhtl installed.
 */

export interface PreCommitInstaller {
  /** The command that installs the hooks. */
  argv: string[];
  /** The interpreter pre-commit writes into the hook scripts (`INSTALL_PYTHON=`). */
  python: string;
}

export interface GitHooksInputs {
  hookTypes: string[];
  /** `INSTALL_PYTHON` of each hook present (null: missing or not pre-commit's). */
  installed: Map<string, string | null>;
  installer: PreCommitInstaller | null;
}

export type GitHooksPlan =
  | { action: "none"; reason: string }
  | { action: "install"; argv: string[]; reason: string };

export function planGitHooks(inputs: GitHooksInputs): GitHooksPlan {
  if (!inputs.installer) {
    return {
      action: "none",
      reason: "pre-commit is neither in the lock nor installed as a tool; the git hooks were not installed",
    };
  }
  const { python, argv } = inputs.installer;
  const stale = inputs.hookTypes.filter((type) => inputs.installed.get(type) !== python);
  if (stale.length === 0)
    return { action: "none", reason: `git hooks already installed (${inputs.hookTypes.join(", ")})` };
  return {
    action: "install",
    argv,
    reason: `the project configures pre-commit and its ${stale.join(", ")} hook${stale.length === 1 ? " is" : "s are"} not installed`,
  };
}
