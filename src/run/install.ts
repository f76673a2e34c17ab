import { copyFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";
import { isValidDistributionName } from "../standards/names.js";
import { environmentPython } from "./venv.js";

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

/** `uv lock`: creates uv.lock for a PEP 621 project that has none. */
export async function uvLock(target: Pick<BuildTarget, "root" | "uv">): Promise<void> {
  await target.uv(["lock", "--quiet"], { cwd: target.root, env: uvEnvironment() });
}

/** Fails (drift) when uv.lock no longer satisfies pyproject.toml: regenerate must not re-resolve. */
export async function checkUvLockFresh(target: Pick<BuildTarget, "root" | "uv">): Promise<void> {
  try {
    await target.uv(["lock", "--check", "--quiet"], { cwd: target.root, env: uvEnvironment() });
  } catch (error) {
    throw new DhtlError("drift", "stale lock: uv.lock does not match pyproject.toml any more", {
      file: "uv.lock",
      hint: "run `dhtl setup` (or `uv lock`) to update the lock, then commit it",
      cause: error,
    });
  }
}

/** Installs exactly uv.lock (every group, the project editable) into the target environment. */
export async function uvSync(target: BuildTarget, reinstall: string[]): Promise<void> {
  await target.uv(
    [
      "sync",
      "--frozen",
      "--all-groups",
      "--quiet",
      "--python",
      environmentPython(target.envPath),
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
  pythonVersion: string,
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
        pythonVersion,
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

function reinstallArgs(names: string[]): string[] {
  return names.flatMap((name) => {
    if (!isValidDistributionName(name))
      throw new DhtlError("internal", `invalid package name ${JSON.stringify(name)}`);
    return ["--reinstall-package", name];
  });
}
