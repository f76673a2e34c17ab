/**
 * The user's own configuration that shapes a Python environment: git identity and defaults, pip/uv index
 * settings, upload repositories, npm registries, shell, editor, tool config files and relevant
 * environment variables. Secrets never leave: every URL is stripped of credentials, secret-named values
 * are masked and passwords/tokens are never read into the result at all.
 */
import { homedir } from "node:os";
import { basename, resolve } from "node:path";
import { type Diagnostic, sortDiagnostics } from "../core/diagnostics.js";
import { redactText } from "../core/redact.js";
import type { UserContext } from "./user/context.js";
import { type EnvironmentVariable, relevantEnvironment } from "./user/environment.js";
import { collectGitFacts, type GitFacts } from "./user/git.js";
import { collectNpmFacts, type NpmFacts } from "./user/npmrc.js";
import { collectPipFacts, type PipFacts } from "./user/pip.js";
import { collectPypircFacts, type PypircFacts } from "./user/pypirc.js";
import { findToolConfigFiles, type ToolConfigFile } from "./user/tool-configs.js";
import { collectUvFacts, type UvFacts } from "./user/uv.js";

export type { EnvironmentVariable, GitFacts, NpmFacts, PipFacts, PypircFacts, ToolConfigFile, UvFacts };

export interface UserFacts {
  git: GitFacts;
  pip: PipFacts;
  uv: UvFacts;
  /** `~/.pypirc`, or null when there is none. */
  pypirc: PypircFacts | null;
  npm: NpmFacts;
  /** Login shell name from `$SHELL` (`bash`, `zsh`, `fish`), or null. */
  shell: string | null;
  /** `$VISUAL` or `$EDITOR`, redacted. */
  editor: string | null;
  toolConfigs: ToolConfigFile[];
  environment: EnvironmentVariable[];
  /** Malformed or unreadable config files (ignored, never fatal). */
  diagnostics: Diagnostic[];
}

export interface CollectUserOptions {
  /** Home directory to read (default: the current user's). Git is run with `HOME` set to it. */
  home?: string;
  env?: NodeJS.ProcessEnv;
  /** Also read machine-wide files such as `/etc/pip.conf` (default true). */
  includeSystem?: boolean;
}

/** Reads the user's configuration for a project at `root`; never throws for a bad or missing file. */
export async function collectUserFacts(root: string, options: CollectUserOptions = {}): Promise<UserFacts> {
  const env = options.env ?? process.env;
  const context: UserContext = {
    root: resolve(root),
    home: resolve(options.home ?? (env.HOME || homedir())),
    env,
    includeSystem: options.includeSystem ?? true,
    diagnostics: [],
  };
  const [git, pip, uv, pypirc, npm] = await Promise.all([
    collectGitFacts(context),
    collectPipFacts(context),
    collectUvFacts(context),
    collectPypircFacts(context),
    collectNpmFacts(context),
  ]);
  const editor = env.VISUAL || env.EDITOR;
  return {
    git,
    pip,
    uv,
    pypirc,
    npm,
    shell: env.SHELL ? basename(env.SHELL) : null,
    editor: editor ? redactText(editor) : null,
    toolConfigs: findToolConfigFiles(context),
    environment: relevantEnvironment(env),
    diagnostics: sortDiagnostics(context.diagnostics),
  };
}
