/**
 * What git says about the checkout a project lives in: which paths its ignore rules match, and when the
 * project's manifests last changed. Read-only. The repository may be hostile (a checkout unpacked with
 * its `.git/`), so git runs with the settings that could start a program switched off: no fsmonitor
 * hook, no pager, no prompts.
 */
import { run } from "../core/exec.js";

/** An ignore rule that matches a path: where it is written, and the pattern. */
export interface IgnoreRule {
  /** `.gitignore`, `sub/.gitignore`, `.git/info/exclude`, or the user's global excludes file. */
  source: string;
  line: number;
  pattern: string;
}

const SAFE_GIT = ["-c", "core.fsmonitor=false", "-c", "core.pager=cat", "--no-optional-locks"];

function gitEnvironment(): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0" };
}

/**
 * For each path (relative to `root`), the rule that makes git ignore it, or null when git does not ignore
 * it (no rule, a `!negation`, or the path is tracked). Null as a whole when `root` is not inside a git
 * work tree or git is missing.
 */
export async function gitIgnoreRules(
  root: string,
  paths: string[],
): Promise<Map<string, IgnoreRule | null> | null> {
  if (paths.length === 0) return new Map();
  const result = await run(
    "git",
    [...SAFE_GIT, "check-ignore", "--verbose", "--non-matching", "-z", "--stdin"],
    { cwd: root, env: gitEnvironment(), timeoutMs: 10_000, input: `${paths.join("\0")}\0` },
  );
  // 0: some matched, 1: none did; 128 and the rest: not a repository, or git failed.
  if (result.notFound || result.timedOut || (result.code !== 0 && result.code !== 1)) return null;
  const rules = new Map<string, IgnoreRule | null>(paths.map((path) => [path, null]));
  const fields = result.stdout.split("\0");
  for (let i = 0; i + 3 < fields.length; i += 4) {
    const [source, line, pattern, path] = fields.slice(i, i + 4) as [string, string, string, string];
    // `--non-matching` lists unmatched paths with empty fields; a `!pattern` match means "not ignored".
    if (!pattern || pattern.startsWith("!") || !rules.has(path)) continue;
    rules.set(path, { source, line: Number(line), pattern });
  }
  return rules;
}

/**
 * The committer date (ISO 8601, UTC) of the last commit touching any of `files` (project-relative, taken
 * literally) or any file matching `globs` (`**\/*.py`), or null when the project is not in a git work
 * tree, none of them was ever committed, or git fails.
 */
export async function lastCommitDate(
  root: string,
  files: string[],
  globs: string[] = [],
): Promise<string | null> {
  const pathspecs = [...files.map((file) => `:(literal)${file}`), ...globs.map((glob) => `:(glob)${glob}`)];
  if (pathspecs.length === 0) return null;
  const result = await run(
    "git",
    [...SAFE_GIT, "log", "-1", "--format=%ct", "--no-show-signature", "--", ...pathspecs],
    { cwd: root, env: gitEnvironment(), timeoutMs: 10_000 },
  );
  if (result.code !== 0) return null;
  const seconds = Number(result.stdout.trim());
  if (!Number.isInteger(seconds) || seconds <= 0) return null;
  return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, "Z");
}
