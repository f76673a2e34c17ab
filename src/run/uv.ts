import { accessSync, constants, existsSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { lastLines, type RunOptions, type RunResult, run } from "../core/exec.js";
import type { Output } from "../core/output.js";
import { dhtlCacheDir, dhtlDataDir } from "../core/paths.js";
import { openProbeCache } from "../core/probe-cache.js";
import { redactUrlsIn } from "../core/redact.js";
import { compareVersions, isValidVersion } from "../pep/pep440.js";

/** The uv dhtl bootstraps when none (or too old a one) is on the machine. */
export const UV_PINNED_VERSION = "0.13.9";
/** Oldest uv whose lock format and flags (`--all-groups`, `uv export`) dhtl relies on. */
export const UV_MIN_VERSION = "0.5.0";

export interface UvInfo {
  /** Absolute path of the uv executable (pyenv shims resolved to the real binary). */
  path: string;
  version: string;
  /** True when this is dhtl's own copy in its data directory rather than the user's uv. */
  bootstrapped: boolean;
}

export interface EnsureUvOptions {
  out?: Output;
  env?: NodeJS.ProcessEnv;
}

/**
 * Finds a usable uv: `$DHTL_UV`, else `uv` on PATH when at least UV_MIN_VERSION, else dhtl's own copy,
 * installing the pinned version from PyPI with the machine's Python the first time (and saying so).
 */
export async function ensureUv(options: EnsureUvOptions = {}): Promise<UvInfo> {
  const env = options.env ?? process.env;
  const explicit = env.DHTL_UV;
  if (explicit) {
    const version = await uvVersion(explicit, env);
    if (!version) {
      throw new DhtlError("toolFailed", `DHTL_UV=${explicit} is not a working uv`, {
        hint: "point DHTL_UV at a uv executable, or unset it",
      });
    }
    return { path: explicit, version, bootstrapped: false };
  }

  const onPath = findOnPath("uv", env);
  if (onPath) {
    // The shim resolved first: asking the real binary its version skips a second trip through pyenv.
    const real = await resolveShim(onPath, env);
    const version = await uvVersion(real, env);
    if (version && isNewEnough(version)) {
      return { path: real, version, bootstrapped: false };
    }
    if (version)
      options.out?.warn(`uv ${version} on PATH is older than ${UV_MIN_VERSION}; using dhtl's own uv`);
  }

  const home = join(dhtlDataDir(env), `uv-${UV_PINNED_VERSION}`);
  const cached = uvBinaryIn(home);
  const cachedVersion = existsSync(cached) ? await uvVersion(cached, env) : null;
  if (cachedVersion) return { path: cached, version: cachedVersion, bootstrapped: true };

  options.out?.warn(`uv not found on PATH: installing uv ${UV_PINNED_VERSION} from PyPI into ${home}`);
  await bootstrapUv(home, env);
  const version = await uvVersion(cached, env);
  if (!version) throw new DhtlError("toolFailed", `the uv installed into ${home} does not run`);
  return { path: cached, version, bootstrapped: true };
}

export function isNewEnough(version: string): boolean {
  return isValidVersion(version) && compareVersions(version, UV_MIN_VERSION) >= 0;
}

/** `uv --version` → `0.13.9`, or null when the program does not run or is not uv. */
export async function uvVersion(path: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  // Every uv-using command asks; an unchanged native binary answers from the cache (no process).
  const cache = openProbeCache(join(dhtlCacheDir(env), "uv-version.json"));
  const cached = cache.get(path);
  const known = cached === null ? null : parseUvVersion(cached);
  if (known) return known;
  const result = await run(path, ["--version"], { env, timeoutMs: 30_000 });
  if (result.code !== 0) return null;
  const version = parseUvVersion(result.stdout);
  if (version) {
    cache.set(path, result.stdout, /^uv(\.exe)?$/);
    cache.save();
  }
  return version;
}

function parseUvVersion(output: string): string | null {
  return output.match(/^uv (\d+\.\d+\.\d+\S*)/m)?.[1] ?? null;
}

function uvBinaryIn(venv: string): string {
  return process.platform === "win32" ? join(venv, "Scripts", "uv.exe") : join(venv, "bin", "uv");
}

/**
 * Builds the bootstrap venv beside its final place and renames it in only when uv is installed,
 * so an interrupted bootstrap never leaves a half-installed uv that later runs would trust.
 * The uv binary is self-contained, so it keeps working after the rename.
 */
async function bootstrapUv(home: string, env: NodeJS.ProcessEnv): Promise<void> {
  const python = findOnPath("python3", env) ?? findOnPath("python", env);
  if (!python) {
    throw new DhtlError("toolFailed", "uv is not installed and no Python is on PATH to install it with", {
      hint: "install uv (https://docs.astral.sh/uv/) or Python 3, then retry",
    });
  }
  const staging = `${home}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    await mustRun(python, ["-m", "venv", staging], env, "creating a virtual environment for uv");
    const venvPython =
      process.platform === "win32" ? join(staging, "Scripts", "python.exe") : join(staging, "bin", "python");
    await mustRun(
      venvPython,
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "--quiet",
        `uv==${UV_PINNED_VERSION}`,
      ],
      { ...env, PIP_REQUIRE_VIRTUALENV: "1" },
      `installing uv ${UV_PINNED_VERSION} from PyPI`,
    );
    rmSync(home, { recursive: true, force: true });
    renameSync(staging, home);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

async function mustRun(command: string, args: string[], env: NodeJS.ProcessEnv, what: string): Promise<void> {
  const result = await run(command, args, { env, timeoutMs: 600_000 });
  if (result.code !== 0) {
    throw new DhtlError("toolFailed", `${what} failed:\n${lastLines(result.stderr || result.stdout, 8)}`, {
      hint: "check the network access to PyPI, or install uv yourself",
    });
  }
}

/** First executable named `name` on PATH; we never ask a shell. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const names = process.platform === "win32" ? [`${name}.exe`, name] : [name];
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const candidate of names) {
      const path = join(dir, candidate);
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        return path;
      } catch {}
    }
  }
  return null;
}

/**
 * A pyenv shim costs ~50 ms per call (a bash script running `pyenv exec`); dhtl calls uv many times,
 * so it asks pyenv once for the real binary.
 */
async function resolveShim(path: string, env: NodeJS.ProcessEnv): Promise<string> {
  let head = "";
  try {
    if (statSync(path).size > 4096) return path;
    head = readFileSync(path, "utf8");
  } catch {
    return path;
  }
  if (!head.startsWith("#!") || !head.includes("pyenv")) return path;
  const pyenv = findOnPath("pyenv", env);
  if (!pyenv) return path;
  const result = await run(pyenv, ["which", "uv"], { env, timeoutMs: 30_000 });
  const real = result.stdout.trim();
  return result.code === 0 && real && existsSync(real) ? real : path;
}

// ---------------------------------------------------------------- running uv

/**
 * Runs uv; a failure becomes DhtlError("toolFailed") whose message names the package at fault when
 * uv's output says which one (hash mismatch, failed build, not found, network).
 */
export async function runUv(uv: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const result = await run(uv, args, options);
  if (result.notFound) {
    throw new DhtlError("toolFailed", `uv was not found at ${uv}`, { hint: "install uv, or unset DHTL_UV" });
  }
  if (result.code === 0) return result;
  const explained = explainUvFailure(result.stderr);
  const why = result.timedOut ? "timed out" : `exited with ${result.code ?? result.signal}`;
  const detail = redactUrlsIn(lastLines(result.stderr || result.stdout, 12));
  throw new DhtlError(
    "toolFailed",
    explained
      ? `${explained.message}\n${detail}`
      : `uv ${args[0] ?? ""} ${why}${detail ? `:\n${detail}` : ""}`,
    { hint: explained?.hint },
  );
}

export interface UvFailure {
  kind: "hashMismatch" | "buildFailed" | "notFound" | "network" | "noSolution";
  package: string | null;
  message: string;
  hint: string;
}

/** Reads uv's error chain for the cause; null when it is none of the known kinds. */
export function explainUvFailure(stderr: string): UvFailure | null {
  const text = stderr.replace(/\u001b\[[0-9;]*m/g, "");
  const hash = text.match(/Hash mismatch for `([^`]+)`/);
  if (hash) {
    const pkg = packageOf(hash[1]!);
    return {
      kind: "hashMismatch",
      package: pkg,
      message: `hash mismatch for ${pkg}: the downloaded file is not the one the lock file pins`,
      hint: "the lock file or the package index changed; re-lock on purpose if the new file is trusted",
    };
  }
  const build = text.match(/Failed to build `([^`]+)`/);
  if (build) {
    const pkg = packageOf(build[1]!);
    return {
      kind: "buildFailed",
      package: pkg,
      message: `failed to build ${pkg}`,
      hint: "the package's build needs something missing (a compiler, a system library); see its output above",
    };
  }
  const missing =
    text.match(/Because (\S+) was not found in the package registry/) ??
    text.match(/Because there is no version of (\S+?)(?:[=<>!~]=?[^\s]*)? and/) ??
    text.match(/Package `([^`]+)` was not found/);
  if (missing) {
    const pkg = packageOf(missing[1]!);
    return {
      kind: "notFound",
      package: pkg,
      message: `${pkg} was not found on the package index (or not in the requested version)`,
      hint: "check the package name and version in your manifest",
    };
  }
  if (
    /error sending request|Failed to fetch|tcp connect error|dns error|network (is )?unreachable/i.test(text)
  ) {
    const url = text.match(/Failed to fetch: (\S+)/)?.[1] ?? text.match(/for url \((\S+)\)/)?.[1] ?? null;
    const named = text.match(/Failed to (?:download|fetch)(?: and build)? `([^`]+)`/)?.[1];
    const pkg = named
      ? packageOf(named)
      : (url?.match(/\/simple\/([^/]+)\/?$/)?.[1] ?? url?.match(/\/packages\/.*\/([^/-]+)-\d/)?.[1] ?? null);
    return {
      kind: "network",
      package: pkg,
      message: `network error${pkg ? ` while fetching ${pkg}` : ""}${url ? ` (${redactUrlsIn(url)})` : ""}`,
      hint: "check the network connection and the package index URL, then retry",
    };
  }
  if (/No solution found when resolving dependencies/.test(text)) {
    return {
      kind: "noSolution",
      package: null,
      message: "the dependencies cannot be satisfied together",
      hint: "see uv's explanation above and relax the conflicting requirements",
    };
  }
  return null;
}

/** `six==1.16.0` or `broken-pkg @ file:///…` → the name alone. */
function packageOf(spec: string): string {
  return spec.split(/\s*(?:@|==|===|>=|<=|!=|~=|<|>|;|\[)/)[0]!.trim();
}
