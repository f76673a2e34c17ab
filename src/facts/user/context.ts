/**
 * What every user-configuration reader needs: where home and the project are, the environment, how to
 * show a path without leaking the user's name, and how to read an optional file without throwing.
 */
import { statSync } from "node:fs";
import { isAbsolute, join, relative, sep } from "node:path";
import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isDhtlError } from "../../core/errors.js";
import { readTextFile } from "../../core/fs.js";

export interface UserContext {
  root: string;
  home: string;
  env: NodeJS.ProcessEnv;
  /** Read machine-wide files too (`/etc/pip.conf`, `/etc/uv/uv.toml` …). */
  includeSystem: boolean;
  diagnostics: Diagnostic[];
}

/** `~/.pypirc` for files in home, `uv.toml` for files in the project, the absolute path otherwise. */
export function displayPath(context: UserContext, path: string): string {
  const inRoot = relative(context.root, path);
  if (inRoot !== "" && !inRoot.startsWith("..") && !isAbsolute(inRoot)) return inRoot.split(sep).join("/");
  const inHome = relative(context.home, path);
  if (inHome !== "" && !inHome.startsWith("..") && !isAbsolute(inHome))
    return `~/${inHome.split(sep).join("/")}`;
  return path;
}

/** The file's text, or null when it does not exist; unreadable or binary files become a diagnostic. */
export async function readOptionalFile(context: UserContext, path: string): Promise<string | null> {
  if (!isFile(path)) return null;
  try {
    return await readTextFile(path, displayPath(context, path));
  } catch (error) {
    if (!isDhtlError(error)) throw error;
    context.diagnostics.push(
      diagnostic("warning", displayPath(context, path), error.message, error.line ?? null),
    );
    return null;
  }
}

export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** `$XDG_CONFIG_HOME` or `~/.config`. */
export function configHome(context: UserContext): string {
  const xdg = context.env.XDG_CONFIG_HOME;
  return xdg && isAbsolute(xdg) ? xdg : join(context.home, ".config");
}

/** `$XDG_CONFIG_DIRS` (default `/etc/xdg`), for machine-wide configuration. */
export function systemConfigDirs(context: UserContext): string[] {
  const dirs = (context.env.XDG_CONFIG_DIRS ?? "/etc/xdg").split(":").filter((dir) => isAbsolute(dir));
  return dirs.length > 0 ? dirs : ["/etc/xdg"];
}

/**
 * Records a malformed file as a warning: one bad config file never stops the analysis. The parser's own
 * message is not kept: it quotes the offending line, and in a credentials file that line may be a secret.
 */
export function reportBadFile(context: UserContext, path: string, what: string, error: unknown): void {
  const line = lineOfError(error);
  context.diagnostics.push(
    diagnostic("warning", displayPath(context, path), `malformed ${what}, ignored`, line),
  );
}

function lineOfError(error: unknown): number | null {
  if (isDhtlError(error)) return error.line ?? null;
  const line = (error as { line?: unknown } | null)?.line;
  return typeof line === "number" ? line : null;
}

/** Whitespace-separated list, as pip and uv read `extra-index-url` and `PIP_EXTRA_INDEX_URL`. */
export function splitList(value: string): string[] {
  return value.split(/\s+/).filter((item) => item.length > 0);
}
