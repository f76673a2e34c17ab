import { DhtlError } from "../core/errors.js";
import { run, runChecked } from "../core/exec.js";
import { redactText } from "../core/redact.js";

/**
 * A repository reference dhtl accepts for cloning: a URL (https, ssh, git, file), scp-like `user@host:path`,
 * or a local path. Anything starting with `-` is refused so it can never be read as a git option.
 */
export function validateRepositoryRef(ref: string): void {
  if (!ref || ref.startsWith("-") || /[\0\n\r]/.test(ref)) {
    throw new DhtlError("badInput", `not a repository URL or path: ${JSON.stringify(redactText(ref))}`, {
      hint: "pass a git URL (https://…, git@host:owner/repo.git) or a local path",
    });
  }
  if (/^ext::/i.test(ref)) {
    // git's ext:: transport runs an arbitrary command.
    throw new DhtlError("badInput", "the ext:: transport runs commands and is refused");
  }
}

/** `owner/repo` when the reference points at GitHub (https, ssh, scp-like), else null. */
export function githubRepoOf(ref: string): string | null {
  const match =
    ref.match(
      /^(?:https?:\/\/|ssh:\/\/git@|git:\/\/)(?:www\.)?github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i,
    ) ?? ref.match(/^git@github\.com:([\w.-]+)\/([\w.-]+?)(?:\.git)?$/i);
  return match ? `${match[1]}/${match[2]}` : null;
}

/** The directory name `git clone` would choose: the last path part without `.git`. */
export function defaultCloneDir(ref: string): string {
  const trimmed = ref.replace(/[/\\]+$/, "").replace(/\.git$/i, "");
  const last = trimmed.split(/[/\\:]/).pop() ?? "";
  if (!last || last === "." || last === "..") {
    throw new DhtlError("badInput", `cannot derive a directory name from ${redactText(ref)}`, {
      hint: "pass the target directory as the second argument",
    });
  }
  return last;
}

export async function gitClone(ref: string, dir: string): Promise<void> {
  validateRepositoryRef(ref);
  // `--` ends option parsing: the URL and directory are never options.
  const result = await run("git", ["clone", "--", ref, dir], {
    env: { ...process.env, GIT_TERMINAL_PROMPT: "0" },
  });
  if (result.notFound)
    throw new DhtlError("toolFailed", "git was not found", { hint: "install git and retry" });
  if (result.code !== 0) {
    throw new DhtlError("toolFailed", `git clone failed:\n${redactText(result.stderr.trim())}`);
  }
}

export async function gitRemotes(dir: string): Promise<Map<string, string>> {
  const result = await runChecked("git", ["-C", dir, "remote", "-v"]);
  const remotes = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const [name, url, kind] = line.split(/\s+/);
    if (name && url && kind === "(fetch)") remotes.set(name, url);
  }
  return remotes;
}

export async function gitAddRemote(dir: string, name: string, url: string): Promise<void> {
  validateRepositoryRef(url);
  await runChecked("git", ["-C", dir, "remote", "add", "--", name, url]);
}
