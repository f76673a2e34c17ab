/**
 * Finding tools on PATH and asking their versions, all without a shell. A missing tool, or one that fails
 * to run, is absent; one that hangs past the timeout is present with an unknown version.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { run } from "../../core/exec.js";
import { isExecutableFile } from "../../core/fs.js";
import type { ProbeCache } from "../../core/probe-cache.js";
import { programBehindShim, pyenvActiveVersions, pyenvRootOf } from "../../python/discover.js";
import { installedScriptVersion, nodePackageVersion } from "./installed-version.js";
import { programBehindRustupProxy } from "./rustup.js";

export interface ToolInfo {
  name: string;
  /** `1.2.3` as the tool reports it, or null when it printed no version (or timed out). */
  version: string | null;
  /** Where it was found (an executable on PATH, or a directory for shell-function tools such as nvm). */
  path: string;
}

export interface ToolSpec {
  name: string;
  /** Executable names to look for, first found wins (`pip`, then `pip3`). */
  commands?: string[];
  /** Arguments that print the version (default `--version`). */
  args?: string[];
  /**
   * For tools that are Python console scripts: the distribution whose installed `*.dist-info` gives the
   * version without starting Python (pip alone costs ~150 ms of CPU to print its version).
   */
  distribution?: string;
  /** For tools that are Node scripts: the npm package whose `package.json` gives the version. */
  nodePackage?: string;
  /**
   * For shell-script tools: a file beside the real script that states the version, and the pattern that
   * reads it (`pyenv --version` alone starts a dozen processes).
   */
  versionFile?: { file: string; pattern: RegExp };
  /** Names the real program may have besides the tool's (`pkg-config` is a link to pkgconf). */
  realName?: RegExp;
}

export const PYTHON_PACKAGE_MANAGERS: ToolSpec[] = [
  { name: "uv" },
  { name: "pip", commands: ["pip", "pip3"], distribution: "pip" },
  { name: "pipx", distribution: "pipx" },
  { name: "poetry", distribution: "poetry" },
  { name: "pipenv", distribution: "pipenv" },
  { name: "pdm", distribution: "pdm" },
  { name: "hatch", distribution: "hatch" },
  { name: "conda" },
  { name: "mamba" },
  { name: "micromamba" },
];

export const SYSTEM_PACKAGE_MANAGERS: ToolSpec[] = [
  { name: "apt", commands: ["apt-get", "apt"] },
  { name: "dnf" },
  { name: "yum" },
  { name: "pacman" },
  { name: "zypper" },
  { name: "apk" },
  { name: "brew" },
  { name: "port", args: ["version"] },
  { name: "choco" },
  { name: "scoop" },
];

export const DEV_TOOLS: ToolSpec[] = [
  { name: "gcc" },
  { name: "clang" },
  { name: "make" },
  { name: "cmake" },
  { name: "ninja" },
  { name: "pkg-config", realName: /pkg-?conf/ },
  { name: "cargo" },
  { name: "rustc" },
  { name: "rustup" },
  { name: "go", args: ["version"] },
  { name: "node" },
  { name: "npm", nodePackage: "npm" },
  { name: "yarn", nodePackage: "yarn" },
  { name: "pnpm", nodePackage: "pnpm" },
  { name: "bun" },
  { name: "fnm" },
  { name: "volta" },
  { name: "n" },
  { name: "asdf" },
  { name: "mise" },
  { name: "pyenv", versionFile: { file: "pyenv---version", pattern: /^version="v?(\d+(?:\.\d+)+)/m } },
  { name: "git" },
  { name: "gh" },
  { name: "docker" },
];

export type ToolLocator = (command: string) => Promise<string | null>;

/**
 * Finds a command on PATH. A pyenv shim is replaced by the program it would run, found on disk: running
 * the shim costs a bash start-up per tool, and for a tool the active version lacks it only fails.
 */
export function toolLocator(env: NodeJS.ProcessEnv): ToolLocator {
  const pyenvRoot = pyenvRootOf(env);
  const shims = join(pyenvRoot, "shims");
  let active: Promise<string[]> | undefined;
  const pathWithoutShims = (env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== shims)
    .join(delimiter);
  return async (command) => {
    const path = which(command, env);
    if (!path || dirname(path) !== shims) return path;
    active ??= pyenvActiveVersions(env, pyenvRoot);
    return (
      programBehindShim(pyenvRoot, await active, command) ??
      which(command, { ...env, PATH: pathWithoutShims })
    );
  };
}

/** Runs `<tool> --version`; absent when not found or when it fails. */
export async function probeTool(
  spec: ToolSpec,
  locate: ToolLocator,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  cache?: ProbeCache,
): Promise<ToolInfo | null> {
  let path: string | null = null;
  let found = "";
  for (const command of spec.commands ?? [spec.name]) {
    path = await locate(command);
    found = command;
    if (path) break;
  }
  if (!path) return null;
  const installed =
    (spec.distribution ? installedScriptVersion(path, spec.distribution) : null) ??
    (spec.nodePackage ? nodePackageVersion(path, spec.nodePackage) : null);
  if (installed) return { name: spec.name, version: installed, path };
  const stated = spec.versionFile ? versionFromFile(path, spec.versionFile) : null;
  if (stated) return { name: spec.name, version: stated, path };
  // An unchanged native binary answers from the probe cache (a dozen `--version` runs cost ~200 ms of CPU
  // on every analyze); only a program whose real name is the tool's is remembered, never a dispatcher.
  const realName = spec.realName ?? new RegExp(spec.name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  // A rustup proxy is a dispatcher: the toolchain binary it would run is asked (and remembered) instead.
  const program = programBehindRustupProxy(path, found, env) ?? path;
  const remembered = cache?.get(program, realName);
  if (remembered) return { name: spec.name, version: remembered, path };
  const result = await run(program, spec.args ?? ["--version"], { env, timeoutMs, cwd: "/" });
  if (result.timedOut) return { name: spec.name, version: null, path };
  if (result.code !== 0) return null;
  const version = versionIn(result.stdout) ?? versionIn(result.stderr);
  if (version) cache?.set(program, version, realName);
  return { name: spec.name, version, path };
}

/** The version a file beside the tool's real script states, or null. */
function versionFromFile(path: string, source: { file: string; pattern: RegExp }): string | null {
  try {
    const text = readFileSync(join(dirname(realpathSync(path)), source.file), "utf8");
    return source.pattern.exec(text)?.[1] ?? null;
  } catch {
    return null;
  }
}

/** The first dotted version on the first line that has one (`gcc (Debian 12.2.0-14) 12.2.0` → 12.2.0). */
export function versionIn(output: string): string | null {
  for (const line of output.split(/\r?\n/)) {
    const match = /(\d+(?:\.\d+)+)/.exec(line);
    if (match) return match[1]!;
  }
  return null;
}

/** nvm is a shell function, not a program: it is installed when `$NVM_DIR/nvm.sh` exists. */
export function findNvm(env: NodeJS.ProcessEnv): ToolInfo | null {
  const dir = env.NVM_DIR || join(homeOf(env), ".nvm");
  if (!isFile(join(dir, "nvm.sh"))) return null;
  let version: string | null = null;
  try {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version?: unknown };
    if (typeof manifest.version === "string") version = manifest.version;
  } catch {}
  return { name: "nvm", version, path: dir };
}

/** Looks a command up on PATH like a shell would, without running one. */
export function which(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const extensions =
    process.platform === "win32"
      ? (env.PATHEXT ?? ".EXE;.CMD;.BAT").split(";").map((e) => e.toLowerCase())
      : [""];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    for (const extension of extensions) {
      const path = join(dir, command + extension);
      if (isExecutableFile(path)) return path;
    }
  }
  return null;
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** The tools that answered, keyed by name in sorted order so JSON output is stable. */
export function present(tools: (ToolInfo | null)[]): Record<string, ToolInfo> {
  const found = tools
    .filter((tool): tool is ToolInfo => tool !== null)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.fromEntries(found.map((tool) => [tool.name, tool]));
}
