/**
 * The machine dhtl runs on: platform, distribution, Python interpreters, package managers and developer
 * tools with their versions. Every probe runs in parallel with its own timeout; a missing or broken tool
 * is simply absent from the result, never an error.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { homedir, machine, release } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { run } from "../core/exec.js";
import {
  findInterpreters,
  type PythonInterpreter,
  programBehindShim,
  pyenvActiveVersions,
  pyenvRootOf,
} from "../python/discover.js";

export interface ToolInfo {
  name: string;
  /** `1.2.3` as the tool reports it, or null when it printed no version (or timed out). */
  version: string | null;
  /** Where it was found (an executable on PATH, or a directory for shell-function tools such as nvm). */
  path: string;
}

export interface PlatformFacts {
  /** linux, macos, windows, freebsd … */
  os: string;
  /** x86_64, aarch64, i686, armv7 … (uname's names, as uv and wheel tags use them). */
  arch: string;
  /** Kernel release. */
  release: string;
  /** `linux-x86_64`: the key environment checksums are recorded under. */
  key: string;
  /** C library on Linux (decides manylinux vs musllinux wheels); null elsewhere. */
  libc: "gnu" | "musl" | null;
}

export interface DistributionFacts {
  /** `/etc/os-release` ID: debian, ubuntu, fedora, alpine, arch … */
  id: string;
  versionId: string | null;
  /** Families this distribution derives from, e.g. ["debian"] for Ubuntu. */
  idLike: string[];
  name: string | null;
}

export interface MachineFacts {
  platform: PlatformFacts;
  /** Linux distribution, or null on other systems. */
  distribution: DistributionFacts | null;
  interpreters: PythonInterpreter[];
  /** Installed tools by name (keys sorted); a tool that is missing or fails to run has no key. */
  pythonPackageManagers: Record<string, ToolInfo>;
  systemPackageManagers: Record<string, ToolInfo>;
  devTools: Record<string, ToolInfo>;
}

export interface CollectMachineOptions {
  /** Per-probe limit in milliseconds (default 3000). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

interface ToolSpec {
  name: string;
  /** Executable names to look for, first found wins (`pip`, then `pip3`). */
  commands?: string[];
  /** Arguments that print the version (default `--version`). */
  args?: string[];
}

const PYTHON_PACKAGE_MANAGERS: ToolSpec[] = [
  { name: "uv" },
  { name: "pip", commands: ["pip", "pip3"] },
  { name: "pipx" },
  { name: "poetry" },
  { name: "pipenv" },
  { name: "pdm" },
  { name: "hatch" },
  { name: "conda" },
  { name: "mamba" },
  { name: "micromamba" },
];

const SYSTEM_PACKAGE_MANAGERS: ToolSpec[] = [
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

const DEV_TOOLS: ToolSpec[] = [
  { name: "gcc" },
  { name: "clang" },
  { name: "make" },
  { name: "cmake" },
  { name: "ninja" },
  { name: "pkg-config" },
  { name: "cargo" },
  { name: "rustc" },
  { name: "rustup" },
  { name: "go", args: ["version"] },
  { name: "node" },
  { name: "npm" },
  { name: "yarn" },
  { name: "pnpm" },
  { name: "bun" },
  { name: "fnm" },
  { name: "volta" },
  { name: "n" },
  { name: "asdf" },
  { name: "mise" },
  { name: "pyenv" },
  { name: "git" },
  { name: "gh" },
  { name: "docker" },
];

/** Everything about this machine that a plan may depend on. */
export async function collectMachineFacts(options: CollectMachineOptions = {}): Promise<MachineFacts> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 3000;
  const locate = toolLocator(env);
  const probeAll = (specs: ToolSpec[]) =>
    Promise.all(specs.map((spec) => probeTool(spec, locate, env, timeoutMs)));
  const [interpreters, pythonPackageManagers, systemPackageManagers, devTools] = await Promise.all([
    findInterpreters({ env, timeoutMs }),
    probeAll(PYTHON_PACKAGE_MANAGERS),
    probeAll(SYSTEM_PACKAGE_MANAGERS),
    probeAll(DEV_TOOLS),
  ]);
  const nvm = findNvm(env);
  return {
    platform: platformFacts(),
    distribution: process.platform === "linux" ? readDistribution() : null,
    interpreters,
    pythonPackageManagers: present(pythonPackageManagers),
    systemPackageManagers: present(systemPackageManagers),
    devTools: present(nvm ? [...devTools, nvm] : devTools),
  };
}

/** The tool of that name in any category, or undefined when it is not installed. */
export function findTool(facts: MachineFacts, name: string): ToolInfo | undefined {
  return facts.pythonPackageManagers[name] ?? facts.systemPackageManagers[name] ?? facts.devTools[name];
}

export function platformFacts(): PlatformFacts {
  const os = osName(process.platform);
  const arch = archName(machine());
  return {
    os,
    arch,
    release: release(),
    key: `${os}-${arch}`,
    libc: process.platform === "linux" ? linuxLibc() : null,
  };
}

function osName(platform: NodeJS.Platform): string {
  if (platform === "darwin") return "macos";
  if (platform === "win32") return "windows";
  return platform;
}

function archName(uname: string): string {
  const lower = uname.toLowerCase();
  if (lower === "arm64") return "aarch64";
  if (lower === "amd64" || lower === "x64") return "x86_64";
  if (lower === "armv7l") return "armv7";
  return lower;
}

/** musl systems (Alpine) ship their dynamic loader as `/lib/ld-musl-<arch>.so.1`. */
function linuxLibc(): "gnu" | "musl" {
  try {
    return readdirSync("/lib").some((name) => name.startsWith("ld-musl-")) ? "musl" : "gnu";
  } catch {
    return "gnu";
  }
}

function readDistribution(): DistributionFacts | null {
  for (const path of ["/etc/os-release", "/usr/lib/os-release"]) {
    try {
      return distributionFromOsRelease(parseOsRelease(readFileSync(path, "utf8")));
    } catch {}
  }
  return null;
}

/** `KEY=value` lines of os-release(5); values may be quoted with `"` or `'` and use backslash escapes. */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2]!;
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\(["\\$`])/g, "$1");
    }
    fields[match[1]!] = value;
  }
  return fields;
}

export function distributionFromOsRelease(fields: Record<string, string>): DistributionFacts | null {
  const id = fields.ID?.toLowerCase();
  if (!id) return null;
  return {
    id,
    versionId: fields.VERSION_ID ?? null,
    idLike: (fields.ID_LIKE ?? "").split(/\s+/).filter((word) => word.length > 0),
    name: fields.PRETTY_NAME ?? fields.NAME ?? null,
  };
}

type ToolLocator = (command: string) => Promise<string | null>;

/**
 * Finds a command on PATH. A pyenv shim is replaced by the program it would run, found on disk: running
 * the shim costs a bash start-up per tool, and for a tool the active version lacks it only fails.
 */
function toolLocator(env: NodeJS.ProcessEnv): ToolLocator {
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
async function probeTool(
  spec: ToolSpec,
  locate: ToolLocator,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<ToolInfo | null> {
  let path: string | null = null;
  for (const command of spec.commands ?? [spec.name]) {
    path = await locate(command);
    if (path) break;
  }
  if (!path) return null;
  const result = await run(path, spec.args ?? ["--version"], { env, timeoutMs, cwd: "/" });
  if (result.timedOut) return { name: spec.name, version: null, path };
  if (result.code !== 0) return null;
  return { name: spec.name, version: versionIn(result.stdout) ?? versionIn(result.stderr), path };
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
function findNvm(env: NodeJS.ProcessEnv): ToolInfo | null {
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
      if (isExecutable(path)) return path;
    }
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    const stat = statSync(path);
    return stat.isFile() && (process.platform === "win32" || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** The tools that answered, keyed by name in sorted order so JSON output is stable. */
function present(tools: (ToolInfo | null)[]): Record<string, ToolInfo> {
  const found = tools
    .filter((tool): tool is ToolInfo => tool !== null)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return Object.fromEntries(found.map((tool) => [tool.name, tool]));
}
