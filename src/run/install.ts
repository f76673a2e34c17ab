import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";
import { isValidDistributionName } from "../pep/names.js";
import { environmentPython } from "../python/venv-info.js";

/** Runs uv with an argv array; throws a DhtlError (toolFailed, naming the failing package) on failure. */
export type UvRunner = (
  args: string[],
  options: UvCallOptions,
) => Promise<{ stdout: string; stderr: string }>;

export interface UvCallOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** Where one build happens: the project root and the not-yet-live environment it fills. */
export interface BuildTarget {
  root: string;
  envPath: string;
  uv: UvRunner;
}

/** The environment uv runs with: never the caller's activated venv, never a download of Python we did not ask for. */
export function uvEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.VIRTUAL_ENV;
  delete env.CONDA_PREFIX;
  env.UV_NO_PROGRESS = "1";
  return env;
}

export async function createVenv(target: BuildTarget, pythonPath: string): Promise<void> {
  await target.uv(
    ["venv", "--relocatable", "--no-project", "--quiet", "--python", pythonPath, target.envPath],
    {
      cwd: target.root,
      env: uvEnvironment(),
    },
  );
}

/**
 * `uv lock`: creates uv.lock, or brings it up to date. The interpreter is named: left to search, uv may
 * try every pyenv shim on PATH, which costs seconds.
 */
export async function uvLock(target: Pick<BuildTarget, "root" | "uv">, pythonPath: string): Promise<void> {
  await target.uv(["lock", "--quiet", "--python", pythonPath], { cwd: target.root, env: uvEnvironment() });
}

/** Fails (drift) when uv.lock no longer satisfies pyproject.toml: regenerate must not re-resolve. */
export async function checkUvLockFresh(target: Pick<BuildTarget, "root" | "uv">): Promise<void> {
  try {
    await target.uv(["lock", "--check", "--quiet"], { cwd: target.root, env: uvEnvironment() });
  } catch (error) {
    throw staleUvLock(error);
  }
}

function staleUvLock(cause: unknown): DhtlError {
  return new DhtlError("drift", "stale lock: uv.lock does not match pyproject.toml any more", {
    file: "uv.lock",
    hint: "run `dhtl setup` (or `uv lock`) to update the lock, then commit it",
    cause,
  });
}

/**
 * Installs exactly uv.lock (every group, the project editable) into the target environment. `locked`
 * makes a lock that no longer matches pyproject.toml an error (drift) instead of installing it.
 */
export async function uvSync(
  target: BuildTarget,
  reinstall: string[],
  locked = false,
  extras: string[] = [],
): Promise<void> {
  try {
    await runUvSync(target, reinstall, locked, extras);
  } catch (error) {
    if (locked && error instanceof DhtlError && /needs to be updated/.test(error.message)) {
      throw staleUvLock(error);
    }
    throw error;
  }
}

async function runUvSync(
  target: BuildTarget,
  reinstall: string[],
  locked: boolean,
  extras: string[],
): Promise<void> {
  await target.uv(
    [
      "sync",
      locked ? "--locked" : "--frozen",
      "--all-groups",
      "--quiet",
      "--python",
      environmentPython(target.envPath),
      ...extraArgs(extras),
      ...reinstallArgs(reinstall),
    ],
    { cwd: target.root, env: uvEnvironment({ UV_PROJECT_ENVIRONMENT: target.envPath }) },
  );
}

/**
 * Compiles the dhtl-owned input into a universal, hashed lock. The previous lock is the starting point (uv
 * keeps its pins where they still fit); the result replaces it only when uv succeeded.
 */
export async function compileLock(
  target: Pick<BuildTarget, "root" | "uv">,
  input: string,
  output: string,
  python: { version: string; path: string },
): Promise<void> {
  const outPath = join(target.root, output);
  const staged = `${output}.new`;
  const stagedPath = join(target.root, staged);
  rmSync(stagedPath, { force: true });
  if (existsSync(outPath)) copyFileSync(outPath, stagedPath);
  try {
    await target.uv(
      [
        "pip",
        "compile",
        "--universal",
        "--generate-hashes",
        "--quiet",
        "--no-header",
        "--python-version",
        python.version,
        // Named, so uv does not probe every pyenv shim on PATH looking for one (seconds).
        "--python",
        python.path,
        "--output-file",
        staged,
        input,
      ],
      { cwd: target.root, env: uvEnvironment() },
    );
    const header = `# Compiled by dhtl from ${input} (uv pip compile --universal --generate-hashes); do not edit.\n`;
    // uv names the output file in its annotations; the staged name must not end up in the committed lock.
    const body = readFileSync(stagedPath, "utf8").split(staged).join(output);
    writeFileAtomic(outPath, header + body);
  } finally {
    rmSync(stagedPath, { force: true });
  }
}

/** Installs exactly a hashed requirements file: extras removed, hashes required. */
export async function pipSync(target: BuildTarget, lockFile: string, reinstall: string[]): Promise<void> {
  await target.uv(
    [
      "pip",
      "sync",
      "--require-hashes",
      "--quiet",
      "--python",
      environmentPython(target.envPath),
      ...reinstallArgs(reinstall),
      lockFile,
    ],
    { cwd: target.root, env: uvEnvironment() },
  );
}

/** The project itself, editable, without touching the locked dependencies. */
export async function installProjectEditable(target: BuildTarget): Promise<void> {
  await target.uv(
    ["pip", "install", "--quiet", "--no-deps", "--python", environmentPython(target.envPath), "-e", "."],
    {
      cwd: target.root,
      env: uvEnvironment(),
    },
  );
}

/** `uv python install X.Y.Z`, then the path uv gives that interpreter. */
export async function installPython(
  target: Pick<BuildTarget, "root" | "uv">,
  version: string,
): Promise<string> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) {
    throw new DhtlError("badInput", `cannot install Python ${JSON.stringify(version)}: not an exact version`);
  }
  await target.uv(["python", "install", "--quiet", version], { cwd: target.root, env: uvEnvironment() });
  const found = await target.uv(["python", "find", "--no-project", version], {
    cwd: target.root,
    env: uvEnvironment(),
  });
  const path = found.stdout.trim().split("\n").pop() ?? "";
  if (!path) throw new DhtlError("toolFailed", `uv installed Python ${version} but cannot find it`);
  return path;
}

/** `--extra test --extra docs`; extra names follow the distribution-name rules (PEP 685). */
export function extraArgs(extras: string[]): string[] {
  return flagPerName("--extra", extras, "extra");
}

function reinstallArgs(names: string[]): string[] {
  return flagPerName("--reinstall-package", names, "package");
}

/** `flag name` for each name, every name checked before it reaches uv. */
function flagPerName(flag: string, names: string[], what: string): string[] {
  return names.flatMap((name) => {
    if (!isValidDistributionName(name))
      throw new DhtlError("internal", `invalid ${what} name ${JSON.stringify(name)}`);
    return [flag, name];
  });
}
