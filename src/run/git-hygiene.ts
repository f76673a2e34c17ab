/**
 * After `.venv` is swapped in: keep what is local out of `git status`, and say when something the
 * environment is rebuilt from would never reach git.
 *
 * `.venv` is a symbolic link (run/venv.ts), and git matches a `.venv/` pattern only against directories,
 * so the common ignore line lets the link through and `git add -A` commits it. Where git does not ignore
 * `.venv` (or a `.venv.before-dhtl` kept aside), `/.venv` is appended to the project's `.gitignore`; dhtl
 * never writes `.git/info/exclude` (nothing under `.git/` is dhtl's to change).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lexists, writeProjectFile } from "../core/safe-path.js";
import { gitIgnoreRules, type IgnoreRule } from "../facts/git-checkout.js";
import { VENV, VENV_ASIDE } from "./venv.js";

export interface GitHygiene {
  /** What was done (one sentence each), for the step's outcome. */
  notes: string[];
  /** What the user must act on. */
  warnings: string[];
}

/**
 * `recordedFiles`: project-relative files a clone needs to rebuild this environment (the lock, its
 * inputs, `.dhtconfig`); each one git ignores (and does not track) is a warning.
 */
export async function keepGitStatusClean(root: string, recordedFiles: string[]): Promise<GitHygiene> {
  const local = [VENV, ...asideNames(root)];
  const shared = recordedFiles.filter((file) => lexists(join(root, file)));
  const rules = await gitIgnoreRules(root, [...local, ...shared]);
  const result: GitHygiene = { notes: [], warnings: [] };
  if (!rules) return result; // not a git work tree (or no git): nothing to keep clean
  for (const file of shared) {
    const rule = rules.get(file);
    if (rule) result.warnings.push(ignoredLockWarning(file, rule));
  }
  const unignored = local.filter((path) => !rules.get(path));
  if (unignored.length === 0) return result;
  const patterns = unignored.map((path) => (path === VENV ? `/${VENV}` : `/${VENV_ASIDE}*`));
  const added = [...new Set(patterns)];
  try {
    appendToGitignore(root, added);
    result.notes.push(
      `added ${added.join(", ")} to .gitignore (a \`.venv/\` pattern does not match the .venv symbolic link dhtl makes)`,
    );
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    result.warnings.push(
      `warning: git does not ignore ${unignored.join(", ")} and .gitignore could not be updated (${why}); add ${added.map((p) => `\`${p}\``).join(", ")} to it so \`git add -A\` leaves the environment out`,
    );
  }
  return result;
}

function asideNames(root: string): string[] {
  const names: string[] = [];
  for (let n = 1; lexists(join(root, n === 1 ? VENV_ASIDE : `${VENV_ASIDE}-${n}`)); n++)
    names.push(n === 1 ? VENV_ASIDE : `${VENV_ASIDE}-${n}`);
  return names;
}

function appendToGitignore(root: string, patterns: string[]): void {
  const path = join(root, ".gitignore");
  let text = "";
  if (lexists(path)) text = readFileSync(path, "utf8");
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  const block = `# dhtl: .venv is a symbolic link to the environment in .dhtl/envs/ (a ".venv/" pattern misses it)\n${patterns.join("\n")}\n`;
  writeProjectFile(root, ".gitignore", `${text}${separator}${text === "" ? "" : "\n"}${block}`);
}

/** The warning for a file the environment is rebuilt from that git ignores: a clone would lack it. */
export function ignoredLockWarning(file: string, rule: IgnoreRule): string {
  return `warning: git ignores ${file} (${rule.source}:${rule.line}: ${rule.pattern}), so it is not committed and a clone cannot rebuild this environment (\`dhtl clone\`/\`regenerate\` stop there); commit it with \`git add -f ${file}\`, or remove that pattern`;
}
