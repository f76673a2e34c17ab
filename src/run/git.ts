import { DhtlError } from "../core/errors.js";
import { type RunResult, run, runChecked } from "../core/exec.js";
import { redactText } from "../core/redact.js";

/**
 * A repository reference dhtl accepts for cloning, and nothing else: an `https://`, `ssh://` or `file://` URL,
 * scp-like `user@host:path`, or a local path. Refused: anything starting with `-` (git would read an option),
 * git's `<transport>::<address>` syntax (`ext::` runs a command, `fd::3` waits forever on a descriptor),
 * other schemes (`git://`, `http://` carry no authentication of the server), and control characters.
 */
export function validateRepositoryRef(ref: string): void {
  const refuse = (why: string) =>
    new DhtlError("badInput", `not a repository URL or path: ${JSON.stringify(redactText(ref))} (${why})`, {
      hint: "pass an https://, ssh:// or file:// URL, git@host:owner/repo.git, or a local path",
    });
  if (!ref || ref.startsWith("-")) throw refuse("it would be read as an option");
  if (/[\0-\x1f\x7f]/.test(ref)) throw refuse("control characters");
  if (ref.includes("::")) throw refuse("git's transport::address syntax runs helpers dhtl does not allow");
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(ref)?.[1]?.toLowerCase();
  if (scheme !== undefined && !ALLOWED_SCHEMES.has(scheme))
    throw refuse(`the ${scheme}:// transport is not allowed`);
}

const ALLOWED_SCHEMES = new Set(["https", "ssh", "file"]);

/** Seconds a git or gh call may take: `$DHTL_GIT_TIMEOUT`, else the default for the kind of call. */
export function gitTimeoutMs(defaultSeconds: number): number {
  const configured = Number(process.env.DHTL_GIT_TIMEOUT);
  return (Number.isFinite(configured) && configured > 0 ? configured : defaultSeconds) * 1000;
}

/**
 * git without prompts: no terminal questions, ssh in batch mode with a connect timeout, and HTTP transfers
 * that stall for a minute aborted (a server that accepts and never answers would otherwise hold forever).
 */
function gitEnvironment(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_TERMINAL_PROMPT: "0",
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes -o ConnectTimeout=30",
    GIT_HTTP_LOW_SPEED_LIMIT: process.env.GIT_HTTP_LOW_SPEED_LIMIT ?? "1000",
    GIT_HTTP_LOW_SPEED_TIME: process.env.GIT_HTTP_LOW_SPEED_TIME ?? "60",
  };
}

/** A short git call (remotes, config): its own process group, a timeout, no prompts; fails as toolFailed. */
function gitQuick(args: string[]): Promise<RunResult> {
  return runChecked("git", args, { env: gitEnvironment(), timeoutMs: gitTimeoutMs(60), ownGroup: true });
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
  const timeoutMs = gitTimeoutMs(30 * 60);
  const result = await run("git", ["clone", "--", ref, dir], {
    env: gitEnvironment(),
    timeoutMs,
    ownGroup: true,
  });
  if (result.notFound)
    throw new DhtlError("toolFailed", "git was not found", { hint: "install git and retry" });
  if (result.timedOut) {
    throw new DhtlError(
      "toolFailed",
      `git clone did not finish within ${timeoutMs / 1000} s and was stopped`,
      {
        hint: "check the URL and the network; DHTL_GIT_TIMEOUT (seconds) allows more time",
      },
    );
  }
  if (result.code !== 0) {
    throw new DhtlError("toolFailed", `git clone failed:\n${redactText(result.stderr.trim())}`);
  }
}

export async function gitRemotes(dir: string): Promise<Map<string, string>> {
  const result = await gitQuick(["-C", dir, "remote", "-v"]);
  const remotes = new Map<string, string>();
  for (const line of result.stdout.split("\n")) {
    const [name, url, kind] = line.split(/\s+/);
    if (name && url && kind === "(fetch)") remotes.set(name, url);
  }
  return remotes;
}

export async function gitAddRemote(dir: string, name: string, url: string): Promise<void> {
  validateRepositoryRef(url);
  await gitQuick(["-C", dir, "remote", "add", "--", name, url]);
}
