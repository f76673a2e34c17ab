/**
 * Git identity and defaults, read with `git config --list --show-origin --null` (so every include and
 * scope is resolved by git itself). Only chosen keys are kept; URLs lose their credentials and credential
 * helpers are reduced to their name (an inline helper is a shell snippet that may embed a password).
 */
import { join } from "node:path";
import { compareText } from "../../core/compare.js";
import { run } from "../../core/exec.js";
import { redactUrl } from "../../core/redact.js";
import { displayPath, type UserContext } from "./context.js";

export interface GitUrlRewrite {
  /** The URL prefix used instead (credentials masked). */
  url: string;
  /** The prefix it replaces. */
  insteadOf: string;
  /** Whether the rewrite applies to pushes only. */
  pushOnly: boolean;
}

export interface GitFacts {
  /** False when git is not installed; every other field is then empty. */
  available: boolean;
  userName: string | null;
  userEmail: string | null;
  defaultBranch: string | null;
  pullRebase: string | null;
  autocrlf: string | null;
  /** Helper names (`store`, `cache`, `osxkeychain`, `manager`); `(inline)` for a shell snippet. */
  credentialHelpers: string[];
  urlRewrites: GitUrlRewrite[];
  /** Remotes of the repository the project is in, URLs without credentials. */
  remotes: { name: string; url: string }[];
  /** Config files that contributed, `~/.gitconfig` style. */
  files: string[];
}

interface ConfigEntry {
  origin: string;
  key: string;
  value: string;
}

export async function collectGitFacts(context: UserContext): Promise<GitFacts> {
  const env = { ...context.env, HOME: context.home, GIT_TERMINAL_PROMPT: "0" };
  const result = await run("git", ["config", "--list", "--show-origin", "--null"], {
    cwd: context.root,
    env,
    timeoutMs: 5000,
  });
  if (result.notFound || result.timedOut) return emptyGitFacts(false);
  // Exit 1 with no output just means no config at all.
  return gitFactsFrom(parseConfigList(result.stdout), context);
}

/** `origin\0key\nvalue\0` records; a key without `=` in the file has no `\n` part. */
export function parseConfigList(output: string): ConfigEntry[] {
  const parts = output.split("\0");
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const origin = parts[i]!;
    const record = parts[i + 1]!;
    const newline = record.indexOf("\n");
    const key = newline === -1 ? record : record.slice(0, newline);
    const value = newline === -1 ? "" : record.slice(newline + 1);
    entries.push({ origin, key, value });
  }
  return entries;
}

function gitFactsFrom(entries: ConfigEntry[], context: UserContext): GitFacts {
  const facts = emptyGitFacts(true);
  const files = new Set<string>();
  const remotes = new Map<string, string>();
  const helpers: string[] = [];
  for (const { origin, key, value } of entries) {
    if (origin.startsWith("file:")) files.add(originFile(origin.slice("file:".length), context));
    // Section and variable names are case-insensitive; the subsection (a URL, a remote name) is not.
    const lowerKey = key.toLowerCase();
    switch (lowerKey) {
      case "user.name":
        facts.userName = value;
        continue;
      case "user.email":
        facts.userEmail = value;
        continue;
      case "init.defaultbranch":
        facts.defaultBranch = value;
        continue;
      case "pull.rebase":
        facts.pullRebase = value;
        continue;
      case "core.autocrlf":
        facts.autocrlf = value;
        continue;
      case "credential.helper":
        // An empty value resets the list, as git does.
        if (value === "") helpers.length = 0;
        else helpers.push(helperName(value));
        continue;
    }
    const rewrite = /^url\.(.+)\.(insteadof|pushinsteadof)$/i.exec(key);
    if (rewrite) {
      facts.urlRewrites.push({
        url: redactUrl(rewrite[1]!),
        insteadOf: redactUrl(value),
        pushOnly: rewrite[2]!.toLowerCase() === "pushinsteadof",
      });
      continue;
    }
    const remote = /^remote\.(.+)\.url$/i.exec(key);
    if (remote) remotes.set(remote[1]!, redactUrl(value));
  }
  facts.credentialHelpers = [...new Set(helpers)];
  facts.remotes = [...remotes]
    .map(([name, url]) => ({ name, url }))
    .sort((a, b) => compareText(a.name, b.name));
  facts.urlRewrites.sort((a, b) => compareText(a.insteadOf, b.insteadOf) || compareText(a.url, b.url));
  facts.files = [...files];
  return facts;
}

/**
 * `store --file ~/.creds` → `store`; `/usr/lib/git-core/git-credential-libsecret` → `libsecret`;
 * `!f() { echo password=…; }; f` → `(inline)`: only the helper's name is safe to show.
 */
export function helperName(value: string): string {
  const trimmed = value.trim();
  if (trimmed.startsWith("!")) return "(inline)";
  const program = trimmed.split(/\s+/)[0] ?? "";
  const base = program.split(/[\\/]/).pop() ?? program;
  const name = base.replace(/^git-credential-/, "").replace(/\.exe$/i, "");
  return /^[\w.-]+$/.test(name) ? name : "(custom)";
}

/** Origins are absolute, or relative to the repository (`.git/config`). */
function originFile(path: string, context: UserContext): string {
  return path.startsWith("/") || /^[A-Za-z]:[\\/]/.test(path)
    ? displayPath(context, path)
    : displayPath(context, join(context.root, path));
}

function emptyGitFacts(available: boolean): GitFacts {
  return {
    available,
    userName: null,
    userEmail: null,
    defaultBranch: null,
    pullRebase: null,
    autocrlf: null,
    credentialHelpers: [],
    urlRewrites: [],
    remotes: [],
    files: [],
  };
}
