/**
 * Development tools installed isolated through uv's tool support, never into the project's environment:
 * one tool environment per tool, exact version and Python minor, under dhtl's data directory
 * (`<data>/tools/ruff-0.5.0-py3.12/`, with `UV_TOOL_DIR` and `UV_TOOL_BIN_DIR` pointing into it). Projects
 * that pin the same version share it; projects pinning different versions never replace each other's.
 * `.venv/bin` exposes each tool's commands through small wrappers (run/env-wrappers.ts).
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { dhtlDataDir } from "../core/paths.js";
import { parseLockedRequirements } from "../formats/requirements.js";
import { isValidDistributionName, normalizeName } from "../pep/names.js";
import { isValidSpecifier, isValidVersion } from "../pep/pep440.js";
import { readInstalledDistributions, sitePackagesDirs } from "../python/dist-info.js";
import { environmentPython, readVenvPython } from "../python/venv-info.js";
import { writeToolWrappers } from "./env-wrappers.js";
import { type UvRunner, uvEnvironment } from "./install.js";

/** What one tool should be: an exact version, or (setup, first time) a range or nothing to resolve. */
export interface ToolRequest {
  name: string;
  /** Exact version (recorded, or named by the project's files); null: resolve the newest that fits. */
  version: string | null;
  /** A range to resolve within when `version` is null (a hand-written `tools: {tox: ">=4"}`). */
  spec: string | null;
}

/** A tool environment that is complete on disk. */
export interface InstalledTool {
  name: string;
  version: string;
  /** `<data>/tools/<name>-<version>-py<minor>`: UV_TOOL_DIR of this tool. */
  home: string;
  /** Executables uv linked into `<home>/bin`, sorted. */
  commands: string[];
}

/** The interpreter tool environments are made with: the project environment's own base interpreter. */
export interface ToolPython {
  /** Absolute path of the base interpreter, or null (Python older than 3.8: uv's default is used). */
  path: string | null;
  /** `3.12`, or `3` when uv chooses. */
  minor: string;
}

/** Oldest Python a tool environment is made with; older projects get uv's default interpreter. */
const OLDEST_TOOL_PYTHON = [3, 8];

/** The interpreter of the environment at `envPath`, resolved to the machine's (tool envs outlive `.venv`). */
export function toolPythonFor(envPath: string): ToolPython {
  const { version, implementation } = readVenvPython(envPath);
  const [major, minor] = version.split(".").map(Number);
  const tooOld =
    major === undefined ||
    minor === undefined ||
    major < OLDEST_TOOL_PYTHON[0]! ||
    (major === OLDEST_TOOL_PYTHON[0] && minor < OLDEST_TOOL_PYTHON[1]!);
  if (tooOld || implementation !== "cpython") return { path: null, minor: "3" };
  let base: string;
  try {
    base = realpathSync(environmentPython(envPath));
  } catch {
    return { path: null, minor: "3" };
  }
  return { path: base, minor: `${major}.${minor}` };
}

/** Where dhtl keeps its tool environments. */
export function toolsDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dhtlDataDir(env), "tools");
}

/** The tool environment of one tool, version and Python minor. */
export function toolHome(name: string, version: string, pythonMinor: string): string {
  return join(toolsDir(), `${normalizeName(name)}-${version}-py${pythonMinor}`);
}

/** `.dhtconfig` `tools:` as requests: an exact version (`0.5.0`, `==0.5.0`) is installed, a range resolved. */
export function toolRequestsOf(recorded: Record<string, string> | undefined): ToolRequest[] {
  return Object.entries(recorded ?? {})
    .map(([name, value]) => toolRequestOf(name, value))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function toolRequestOf(name: string, value: string): ToolRequest {
  const version = value.trim().replace(/^==\s*/, "");
  return isExactVersion(version)
    ? { name: normalizeName(name), version, spec: null }
    : { name: normalizeName(name), version: null, spec: value.trim() };
}

/** Throws unless `name` and `version` are safe to hand to uv (a `.dhtconfig` is input like any other). */
export function checkToolRequest(request: ToolRequest): void {
  if (!isValidDistributionName(request.name))
    throw new DhtlError("badInput", `tools: ${JSON.stringify(request.name)} is not a distribution name`, {
      file: ".dhtconfig",
    });
  if (request.version !== null && !isExactVersion(request.version))
    throw new DhtlError("badInput", `tools.${request.name}: ${request.version} is not an exact version`, {
      file: ".dhtconfig",
    });
  if (request.spec !== null && !isValidSpecifier(request.spec))
    throw new DhtlError("badInput", `tools.${request.name}: ${request.spec} is not a version or range`, {
      file: ".dhtconfig",
    });
}

/** `1.2.3` (a PEP 440 version with no operator): what `tools:` records. */
export function isExactVersion(value: string): boolean {
  return /^[0-9][0-9A-Za-z.+!-]*$/.test(value) && isValidVersion(value);
}

/** The tool environment at `home` when it holds `name` at `version` with its commands linked, else null. */
export function installedTool(home: string, name: string, version: string): InstalledTool | null {
  const envDir = join(home, normalizeName(name));
  if (!existsSync(join(envDir, "uv-receipt.toml"))) return null;
  // The wheel spec names the directory `<name>-<version>.dist-info`: a look at the names is enough.
  const hasDistribution = sitePackagesDirs(envDir).some((site) =>
    readdirSync(site).some((entry) => {
      const match = /^(.+)-([^-]+)\.dist-info$/.exec(entry);
      return match !== null && normalizeName(match[1]!) === normalizeName(name) && match[2] === version;
    }),
  );
  if (!hasDistribution) return null;
  const bin = join(home, "bin");
  const commands = existsSync(bin) ? readdirSync(bin).filter((entry) => existsSync(join(bin, entry))) : [];
  if (commands.length === 0) return null;
  return { name: normalizeName(name), version, home, commands: commands.sort() };
}

/** The version a tool environment at any home of this tool holds, for drift reports (`ruff 0.4.0`). */
export function installedToolVersions(name: string, pythonMinor: string): string[] {
  const prefix = `${normalizeName(name)}-`;
  const suffix = `-py${pythonMinor}`;
  let entries: string[] = [];
  try {
    entries = readdirSync(toolsDir());
  } catch {
    return [];
  }
  return entries
    .filter((entry) => entry.startsWith(prefix) && entry.endsWith(suffix))
    .map((entry) => entry.slice(prefix.length, -suffix.length))
    .filter((version) => installedTool(join(toolsDir(), `${prefix}${version}${suffix}`), name, version));
}

/**
 * The newest version of a tool that installs on `python` (within `spec` when given), resolved by uv alone:
 * a tool's own dependencies are its business, not the project's lock.
 */
export async function resolveToolVersion(
  uv: UvRunner,
  request: ToolRequest,
  python: ToolPython,
): Promise<string> {
  checkToolRequest(request);
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-tool-"));
  try {
    const requirement = `${request.name}${request.version ? `==${request.version}` : (request.spec ?? "")}`;
    writeFileSync(join(scratch, "tool.in"), `${requirement}\n`);
    const { stdout } = await uv(
      [
        "pip",
        "compile",
        "--quiet",
        "--no-header",
        "--no-annotate",
        ...(python.path ? ["--python", python.path] : []),
        "tool.in",
      ],
      { cwd: scratch, env: uvEnvironment() },
    );
    const pinned = parseLockedRequirements(stdout, "uv pip compile").find(
      (req) => req.name === normalizeName(request.name),
    );
    if (!pinned?.version)
      throw new DhtlError("toolFailed", `uv did not resolve a version of ${request.name}`);
    return pinned.version;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Installs `name==version` into its own tool environment unless it is there already, complete. A home
 * left incomplete (an interrupted install) is removed first: uv would otherwise call it installed.
 */
export async function ensureTool(
  uv: UvRunner,
  name: string,
  version: string,
  python: ToolPython,
): Promise<InstalledTool & { installedNow: boolean }> {
  checkToolRequest({ name, version, spec: null });
  const home = toolHome(name, version, python.minor);
  const present = installedTool(home, name, version);
  if (present) return { ...present, installedNow: false };
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  try {
    await uv(
      [
        "tool",
        "install",
        "--quiet",
        ...(python.path ? ["--python", python.path] : []),
        `${normalizeName(name)}==${version}`,
      ],
      // Run outside the project: a tool is the user's, its index and settings are not the checkout's.
      {
        cwd: home,
        env: uvEnvironment({ UV_TOOL_DIR: home, UV_TOOL_BIN_DIR: join(home, "bin") }),
      },
    );
  } catch (error) {
    rmSync(home, { recursive: true, force: true });
    throw error;
  }
  const installed = installedTool(home, name, version);
  if (!installed) {
    rmSync(home, { recursive: true, force: true });
    throw new DhtlError("toolFailed", `uv tool install ${name}==${version} left no ${name} executables`);
  }
  return { ...installed, installedNow: true };
}

/** What provisioning did, for the record and the progress line. */
export interface ProvisionedTools {
  /** name → exact version, for `.dhtconfig` `tools:` (tools the lock installs are not there). */
  recorded: Record<string, string>;
  installed: InstalledTool[];
  /** Requested tools the environment already has from the lock: not duplicated. */
  inLock: string[];
  /** The commands exposed in the environment's bin/. */
  exposed: string[];
  /** `ruff 0.5.0 (installed), tox 4.23.2; black is in the lock`. */
  outcome: string;
}

/**
 * Installs every requested tool the environment does not already have from its lock, resolving a version
 * first where none is recorded, and exposes their commands from `envPath/bin`.
 */
export async function provisionTools(
  uv: UvRunner,
  root: string,
  envPath: string,
  requests: ToolRequest[],
  options: { live: boolean },
): Promise<ProvisionedTools> {
  for (const request of requests) checkToolRequest(request);
  const inEnvironment = new Set(
    sitePackagesDirs(envPath).flatMap((site) =>
      readInstalledDistributions(site).map((dist) => dist.normalized),
    ),
  );
  const inLock = requests.filter((request) => inEnvironment.has(normalizeName(request.name)));
  const wanted = requests.filter((request) => !inEnvironment.has(normalizeName(request.name)));
  const python = toolPythonFor(envPath);
  const results = await Promise.all(
    wanted.map(async (request) => {
      const version = request.version ?? (await resolveToolVersion(uv, request, python));
      return ensureTool(uv, request.name, version, python);
    }),
  );
  const exposed = writeToolWrappers(root, envPath, results, { live: options.live });
  const recorded: Record<string, string> = {};
  for (const tool of results) recorded[tool.name] = tool.version;
  const parts = results.map(
    (tool) => `${tool.name} ${tool.version}${tool.installedNow ? " (installed)" : ""}`,
  );
  const lockNote =
    inLock.length > 0 ? `${inLock.map((request) => request.name).join(", ")} from the lock` : "";
  return {
    recorded,
    installed: results,
    inLock: inLock.map((request) => normalizeName(request.name)),
    exposed,
    outcome: [parts.join(", "), lockNote].filter(Boolean).join("; "),
  };
}
