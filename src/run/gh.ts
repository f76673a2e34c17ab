import { DhtlError } from "../core/errors.js";
import { run } from "../core/exec.js";
import { redactText } from "../core/redact.js";
import { gitTimeoutMs } from "./git.js";

/** The GitHub CLI, when installed. Its calls are all argv arrays; its output is redacted before display. */
export async function ghAvailable(): Promise<boolean> {
  const result = await run("gh", ["--version"], { timeoutMs: 10_000, ownGroup: true });
  return result.code === 0;
}

async function gh(args: string[], what: string, timeoutSeconds = 120): Promise<string> {
  const result = await run("gh", args, {
    env: { ...process.env, GH_PROMPT_DISABLED: "1", GIT_TERMINAL_PROMPT: "0" },
    // Its own process group: a timeout or a signal ends gh with the git it started.
    ownGroup: true,
    timeoutMs: gitTimeoutMs(timeoutSeconds),
  });
  if (result.notFound) {
    throw new DhtlError("toolFailed", "the GitHub CLI (gh) is not installed", {
      hint: "install gh (https://cli.github.com) and run `gh auth login`",
    });
  }
  if (result.timedOut) {
    throw new DhtlError(
      "toolFailed",
      `gh could not ${what}: no answer within ${gitTimeoutMs(timeoutSeconds) / 1000} s`,
      {
        hint: "check the network; DHTL_GIT_TIMEOUT (seconds) allows more time",
      },
    );
  }
  if (result.code !== 0) {
    const detail = redactText((result.stderr || result.stdout).trim());
    const auth = /auth|login|token|401/i.test(detail);
    throw new DhtlError("toolFailed", `gh could not ${what}: ${detail}`, {
      hint: auth ? "run `gh auth login`, then retry" : undefined,
    });
  }
  return result.stdout;
}

export async function ghAuthenticatedUser(): Promise<string> {
  const login = (await gh(["api", "user", "--jq", ".login"], "identify the signed-in user")).trim();
  if (!/^[A-Za-z0-9-]+$/.test(login)) {
    throw new DhtlError("toolFailed", "gh did not return a GitHub user name", {
      hint: "run `gh auth login`",
    });
  }
  return login;
}

/** Creates the fork on GitHub without cloning it. */
export async function ghFork(repo: string): Promise<void> {
  await gh(["repo", "fork", repo, "--clone=false"], `fork ${repo}`);
}

export async function ghClone(repo: string, dir: string): Promise<void> {
  await gh(["repo", "clone", repo, dir], `clone ${repo}`, 30 * 60);
}
