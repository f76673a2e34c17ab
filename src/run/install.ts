import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import {
  checkedProjectPath,
  copyProjectFile,
  removeProjectPath,
  writeProjectFile,
} from "../core/safe-path.js";
import { wheelsFrom } from "../facts/python-releases.js";
import { isValidDistributionName } from "../pep/names.js";
import { environmentPython, readVenvPython } from "../python/venv-info.js";
import { isolatedUvEnvironment } from "./uv-environment.js";

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

/** The environment uv runs with: see uv-environment.ts (never the project's own `.venv`, never hardlinks). */
export function uvEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return isolatedUvEnvironment(extra);
}

export async function createVenv(target: BuildTarget, pythonPath: string): Promise<void> {
  await target.uv(
    // The directory exists already: dhtl created it and marked it as its own (env-mark.ts).
    [
      "venv",
      "--relocatable",
      "--no-project",
      "--allow-existing",
      "--quiet",
      "--python",
      pythonPath,
      target.envPath,
    ],
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
export async function uvLock(
  target: Pick<BuildTarget, "root" | "uv">,
  pythonPath: string,
  options: { upgrade?: boolean; excludeNewer?: string | null } = {},
): Promise<void> {
  // uv writes uv.lock itself: never through a link a checkout committed.
  checkedProjectPath(target.root, "uv.lock");
  await target.uv(
    [
      "lock",
      "--quiet",
      "--python",
      pythonPath,
      ...(options.upgrade ? ["--upgrade"] : []),
      ...excludeNewerArgs(options.excludeNewer ?? null, { project: true }),
    ],
    {
      cwd: target.root,
      env: uvEnvironment({ UV_PYTHON: pythonPath }),
    },
  );
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
 * Installs exactly uv.lock (every group, the project editable, every workspace member when `allPackages`)
 * into the target environment. `locked`
 * makes a lock that no longer matches pyproject.toml an error (drift) instead of installing it.
 */
export async function uvSync(
  target: BuildTarget,
  reinstall: string[],
  locked = false,
  extras: string[] = [],
  allPackages = false,
): Promise<void> {
  try {
    await runUvSync(target, reinstall, locked, extras, allPackages);
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
  allPackages: boolean,
): Promise<void> {
  await target.uv(
    [
      "sync",
      locked ? "--locked" : "--frozen",
      "--all-groups",
      // A workspace is one environment: every member is installed, as `uv sync --all-packages` does.
      ...(allPackages ? ["--all-packages"] : []),
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
 * keeps its pins where they still fit) unless `fresh` (the resolution date changed); the result replaces
 * it only when uv succeeded.
 */
export async function compileLock(
  target: Pick<BuildTarget, "root" | "uv">,
  input: string,
  output: string,
  python: { version: string; path: string },
  resolution: { excludeNewer?: string | null; fresh?: boolean; upgrade?: boolean } = {},
): Promise<void> {
  const { excludeNewer = null, fresh = false, upgrade = false } = resolution;
  const outPath = checkedProjectPath(target.root, output);
  const staged = `${output}.new`;
  // uv writes the staged file itself: checked first, so it can never be a committed link to elsewhere.
  removeProjectPath(target.root, staged);
  if (existsSync(outPath) && !fresh) copyProjectFile(target.root, output, staged);
  const stagedPath = checkedProjectPath(target.root, staged);
  // The indexes the input names go into the lock too: `uv pip sync` reads them from there, and would
  // otherwise look for every package on PyPI alone.
  const namesIndexes = /^--(extra-)?index-url /m.test(
    readFileSync(checkedProjectPath(target.root, input), "utf8"),
  );
  try {
    await target.uv(
      universalCompileArgs(python, staged, [
        ...(namesIndexes ? ["--emit-index-url"] : []),
        ...excludeNewerArgs(excludeNewer, { python: python.version }),
        ...(upgrade ? ["--upgrade"] : []),
        input,
      ]),
      { cwd: target.root, env: uvEnvironment() },
    );
    const header = `# Compiled by dhtl from ${input} (uv pip compile --universal --generate-hashes); do not edit.\n`;
    // uv names the output file in its annotations; the staged name must not end up in the committed lock.
    const body = readFileSync(stagedPath, "utf8").split(staged).join(output);
    writeProjectFile(target.root, output, header + body);
  } finally {
    removeProjectPath(target.root, staged);
  }
}

/** `uv pip compile` of `inputs` (and options) into a universal, hashed lock written to `output`. */
export function universalCompileArgs(
  python: { version: string; path: string },
  output: string,
  inputs: string[],
): string[] {
  return [
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
    output,
    ...inputs,
  ];
}

/** Installs exactly a hashed requirements file: extras removed, hashes required. */
export async function pipSync(
  target: BuildTarget,
  lockFile: string,
  reinstall: string[],
  /** The time the lock was resolved as of: sdists then build with the build tools of that time. */
  excludeNewer: string | null = null,
): Promise<void> {
  // Local directories (`-e ./lib`) carry no hash, which `--require-hashes` refuses: every hashed line is
  // synced as locked, then each directory is installed editable on top, its dependencies already in place.
  const { hashed, localPaths } = splitLocalPaths(
    readFileSync(checkedProjectPath(target.root, lockFile), "utf8"),
  );
  const scratch = localPaths.length > 0 ? mkdtempSync(join(tmpdir(), "dhtl-lock-")) : null;
  const syncFile = scratch ? join(scratch, "requirements.lock") : lockFile;
  try {
    if (scratch) writeFileSync(syncFile, hashed);
    await target.uv(
      [
        "pip",
        "sync",
        "--require-hashes",
        "--quiet",
        "--python",
        environmentPython(target.envPath),
        ...reinstallArgs(reinstall),
        ...excludeNewerArgs(excludeNewer, {
          python: excludeNewer ? minorOf(readVenvPython(target.envPath).version) : null,
        }),
        syncFile,
      ],
      { cwd: target.root, env: uvEnvironment() },
    );
  } finally {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
  await installLocalPaths(target, localPaths);
}

/** `uv pip install --no-deps` into the target environment: only what `args` name is installed or changed. */
export async function pipInstallNoDeps(target: BuildTarget, args: string[]): Promise<void> {
  await target.uv(
    ["pip", "install", "--quiet", "--no-deps", "--python", environmentPython(target.envPath), ...args],
    { cwd: target.root, env: uvEnvironment() },
  );
}

/**
 * A new, empty environment: the lock, its local directories and the project itself in one uv call, so
 * uv builds the project while it copies the locked distributions (a separate call after the sync waits
 * for both in turn, seconds for a project whose build backend is slow to start). Into an empty
 * environment, installing is syncing: nothing is there to remove. Each locked distribution is checked
 * against its hashes (`--verify-hashes`); that every one of them has hashes is checked here first, as
 * `--require-hashes` would. Returns false, having done nothing, when that does not hold: the caller then
 * syncs and installs the project in turn.
 */
export async function installLockAndProject(target: BuildTarget, lockFile: string): Promise<boolean> {
  const { hashed, localPaths } = splitLocalPaths(
    readFileSync(checkedProjectPath(target.root, lockFile), "utf8"),
  );
  if (!everyRequirementHashed(hashed)) return false;
  for (const path of localPaths) checkedProjectPath(target.root, path);
  const editables = [...localPaths, "."];
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-lock-"));
  try {
    const lock = join(scratch, "requirements.lock");
    writeFileSync(lock, hashed);
    await target.uv(
      [
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--verify-hashes",
        "--python",
        environmentPython(target.envPath),
        "-r",
        lock,
        ...editables.flatMap((path) => ["-e", path]),
      ],
      { cwd: target.root, env: uvEnvironment() },
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return true;
}

/** Every requirement of a requirements file carries `--hash` (options and comments aside). */
export function everyRequirementHashed(text: string): boolean {
  const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  let requirements = 0;
  for (const raw of logical) {
    const line = raw.replace(/(^|\s)#.*$/, "").trim();
    if (line === "") continue;
    if (line.startsWith("-")) {
      // Index options are fine; anything that installs something (`-e`, `-r`, a path) is not hashed.
      if (/^--(extra-)?index-url\s|^--no-index\b|^--find-links\s|^-f\s/.test(line)) continue;
      return false;
    }
    if (!/\s--hash=sha(256|384|512):[0-9a-f]+/.test(line)) return false;
    requirements++;
  }
  return requirements > 0;
}

/** Local directories from a lock (`-e ./lib`), editable, their dependencies already in place. */
export async function installLocalPaths(target: BuildTarget, localPaths: string[]): Promise<void> {
  if (localPaths.length === 0) return;
  // A lock may come from the checkout: its paths must stay inside the project like every other.
  for (const path of localPaths) checkedProjectPath(target.root, path);
  await pipInstallNoDeps(
    target,
    localPaths.flatMap((path) => ["-e", path]),
  );
}

/**
 * `uv export` of uv.lock as pinned requirements: every group and `extras` (every member of a workspace), no
 * hashes, no local packages.
 */
export function uvLockExportArgs(extras: string[], workspace = false): string[] {
  return [
    "export",
    "--frozen",
    "--format",
    "requirements-txt",
    "--all-groups",
    ...(workspace ? ["--all-packages"] : []),
    ...extraArgs(extras),
    "--no-hashes",
    "--no-emit-project",
    "--no-emit-workspace",
    "--no-header",
    "--no-annotate",
  ];
}

/** A compiled lock's `-e ./path` lines (each checked inside the project) apart from the rest of its text. */
export function splitLocalPaths(lock: string): { hashed: string; localPaths: string[] } {
  const localPaths: string[] = [];
  const kept: string[] = [];
  for (const line of lock.split("\n")) {
    const local = /^-e\s+(\.\/\S*)\s*$/.exec(line);
    if (local) localPaths.push(local[1]!);
    else kept.push(line);
  }
  return { hashed: kept.join("\n"), localPaths };
}

/**
 * The project itself, without touching the locked dependencies: editable, or a regular install when its
 * backend cannot build editable installs (PEP 660). A backend found without `build_editable` only when
 * asked (setuptools < 64 on an old Python) gets the regular install too. Returns the mode used.
 */
export async function installProject(
  target: BuildTarget,
  mode: "editable" | "regular",
): Promise<"editable" | "regular"> {
  const install = (editable: boolean) => pipInstallNoDeps(target, editable ? ["-e", "."] : ["."]);
  if (mode === "regular") {
    await install(false);
    return "regular";
  }
  try {
    await install(true);
    return "editable";
  } catch (error) {
    if (!(error instanceof DhtlError) || !NO_EDITABLE_HOOK.test(error.message)) throw error;
    await install(false);
    return "regular";
  }
}

/** uv's report of a build backend without PEP 660's hook (`… has no attribute 'build_editable'`). */
const NO_EDITABLE_HOOK = /no attribute '?build_editable'?|does not support editable/i;

/** `uv python install X.Y.Z`, then the path uv gives that interpreter. */
export async function installPython(
  target: Pick<BuildTarget, "root" | "uv">,
  version: string,
): Promise<string> {
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) {
    throw new DhtlError(
      "badInput",
      `cannot install Python ${JSON.stringify(version)}: not a version like 3.12 or 3.12.1`,
    );
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

/**
 * Build backends resolved at today's releases when uv builds the project itself as of a date (`uv lock`
 * of a uv project): its own `build-system` may postdate the date, and an editable build needs PEP 660.
 */
export const EXEMPT_BUILD_TOOLS = [
  "flit-core",
  "hatch-vcs",
  "hatchling",
  "maturin",
  "meson-python",
  "pdm-backend",
  "pip",
  "poetry-core",
  "scikit-build-core",
  "setuptools",
  "setuptools-scm",
  "wheel",
];
/** A date after any upload, for the exempt tools (uv wants a timestamp, not "never"). */
const EXEMPT_UNTIL = "2100-01-01T00:00:00Z";
/**
 * uv builds an sdist without `[build-system]` with `setuptools>=40.8.0`, first uploaded on 2019-02-07:
 * setuptools is never held before that (the 2018 releases after it still have what 2017 sdists import,
 * like `setuptools.Feature`, removed in 46).
 */
const LEGACY_SETUPTOOLS_FROM = "2019-02-08T00:00:00Z";

/**
 * uv's arguments to resolve as of a date (none for null), see plan/as-of.ts. `dependencies`: the
 * locked distributions and the build requirements of their sdists, of that time — but setuptools and
 * wheel never older than what runs on `python` (90 days after its release) nor than what uv requires;
 * `project`: uv builds the project itself too, whose backend is exempt (its `build-system` may postdate
 * the date, and an editable build needs PEP 660).
 */
export function excludeNewerArgs(
  excludeNewer: string | null | undefined,
  what: { project: true } | { python: string | null },
): string[] {
  if (!excludeNewer) return [];
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(excludeNewer))
    throw new DhtlError("internal", `not an RFC 3339 UTC time: ${JSON.stringify(excludeNewer)}`);
  const later = (...times: (string | null)[]) =>
    times.reduce<string>((a, b) => (b && b > a ? b : a), excludeNewer);
  const exempt =
    "project" in what
      ? EXEMPT_BUILD_TOOLS.map((name) => `${name}=${EXEMPT_UNTIL}`)
      : [
          ["setuptools", later(LEGACY_SETUPTOOLS_FROM, wheelsFrom(what.python, new Date()))],
          ["wheel", later(wheelsFrom(what.python, new Date()))],
        ]
          .filter(([, time]) => time !== excludeNewer)
          .map(([name, time]) => `${name}=${time}`);
  return ["--exclude-newer", excludeNewer, ...exempt.flatMap((value) => ["--exclude-newer-package", value])];
}

function minorOf(version: string): string {
  return version.split(".").slice(0, 2).join(".");
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
