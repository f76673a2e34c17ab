/**
 * Finding every Python interpreter on the machine, including the ones uv does not see: pyenv builds that
 * are not on PATH, asdf/mise installs, conda environments and uv's own managed Pythons.
 *
 * Candidates come from the file system (cheap directory listings); each distinct executable is then run
 * once, in parallel, to read its implementation and exact version. Nothing here resolves packages.
 */
import {
  type Dirent,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
} from "node:fs";
import { homedir } from "node:os";
import { basename, delimiter, dirname, isAbsolute, join, resolve, sep } from "node:path";
import { run } from "../core/exec.js";
import { isExecutableFile } from "../core/fs.js";
import { dhtlCacheDir } from "../core/paths.js";
import { openProbeCache, type ProbeCache } from "../core/probe-cache.js";
import { specifierAllows } from "../pep/pep440.js";

export type InterpreterSource = "path" | "pyenv" | "uv" | "conda" | "asdf" | "mise" | "system";

export interface PythonInterpreter {
  /** Executable to run (a path a person would recognise, not necessarily the resolved file). */
  path: string;
  /** Exact `major.minor.patch`. */
  version: string;
  /** Lower-case `platform.python_implementation()`: cpython, pypy, graalpy … */
  implementation: string;
  /** Where the interpreter lives (what installed it), whether or not it is also on PATH. */
  source: InterpreterSource;
  /** True when running `python`/`python3`/`python3.N` from PATH reaches this interpreter. */
  onPath: boolean;
}

export interface FindInterpretersOptions {
  env?: NodeJS.ProcessEnv;
  /** Per-interpreter limit for the version probe, in milliseconds (default 4000). */
  timeoutMs?: number;
}

export interface InterpreterRequest {
  /** exact: `3.12.1`; minor: newest `3.12.*`; range: newest satisfying a PEP 440 specifier set. */
  kind: "exact" | "minor" | "range";
  value: string;
}

interface Candidate {
  path: string;
  source: InterpreterSource;
  onPath: boolean;
}

/** Python 2.7-compatible: no print function, no f-strings. */
const PROBE_SCRIPT =
  "import sys,platform;sys.stdout.write('%s %d.%d.%d\\n' % ((platform.python_implementation(),) + tuple(sys.version_info[:3])))";

/** `-E -s -S`: ignore PYTHON* variables, user site-packages and site hooks (.pth files run code). */
const PROBE_FLAGS = ["-E", "-s", "-S", "-c", PROBE_SCRIPT];

const EXECUTABLE_NAME = /^(python|pypy|graalpy)(\d+(\.\d+)?)?$/;

/**
 * CPython before 3.8 installs `python3.6` and `python3.6m` as hard links of one binary: the same
 * interpreter, so its probe may be remembered. Any other name on the file (a dispatcher's) is not.
 */
function sameInterpreterName(name: string, otherName: string): boolean {
  const version = (file: string) => /^python(\d+\.\d+)[dmu]*$/.exec(file)?.[1];
  const own = version(name);
  return own !== undefined && own === version(otherName);
}

/** Enough to overlap start-up latency; a machine with fifty conda environments must not fork fifty at once. */
const PROBE_CONCURRENCY = 8;

/** Preference among interpreters of the same version: managed builds first, the OS's own last. */
const SOURCE_ORDER: InterpreterSource[] = ["uv", "pyenv", "asdf", "mise", "conda", "path", "system"];

/** Every Python interpreter on this machine, newest first, one entry per real executable. */
export async function findInterpreters(options: FindInterpretersOptions = {}): Promise<PythonInterpreter[]> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 4000;
  const locations = installLocations(env);
  const candidates = [
    ...(await pathCandidates(env, locations)),
    ...pyenvCandidates(locations.pyenvRoot),
    ...uvCandidates(locations.uvPythonDir),
    ...condaCandidates(locations),
    ...toolInstallCandidates(join(locations.asdfDir, "installs", "python"), "asdf"),
    ...toolInstallCandidates(join(locations.miseDir, "installs", "python"), "mise"),
    ...frameworkCandidates(),
  ];
  const merged = mergeByRealPath(candidates, locations);
  // Each probe starts an interpreter (20-40 ms of CPU); an unchanged binary answers from the cache.
  const cache = openProbeCache(join(dhtlCacheDir(env), "interpreters.json"), {
    sameProgram: sameInterpreterName,
  });
  const probed = await mapLimited(merged, PROBE_CONCURRENCY, async (candidate) => {
    const identity = await probeInterpreter(candidate.path, env, timeoutMs, cache);
    return identity ? { ...candidate, ...identity } : null;
  });
  cache.save();
  return sortInterpreters(probed.filter((found): found is PythonInterpreter => found !== null));
}

/**
 * The interpreter best matching a request, or null. Among equal matches CPython wins (a version pin means
 * CPython unless it says otherwise), then the newest version, then the preferred source.
 */
export function selectInterpreter(
  interpreters: PythonInterpreter[],
  request: InterpreterRequest,
): PythonInterpreter | null {
  const value = request.value.trim();
  const matches = interpreters.filter((interpreter) => {
    switch (request.kind) {
      case "exact":
        return sameVersion(interpreter.version, value);
      case "minor":
        return sameVersion(interpreter.version.split(".").slice(0, 2).join("."), value);
      case "range":
        return value === "" || specifierAllows(value, interpreter.version);
    }
    return false;
  });
  const cpython = matches.filter((interpreter) => interpreter.implementation === "cpython");
  return sortInterpreters(cpython.length > 0 ? cpython : matches)[0] ?? null;
}

/**
 * The interpreter at `path` (one a user names: `setup --python /opt/py/bin/python3`), identified by the
 * same fixed probe discovery runs; null when it is not an executable Python.
 */
export async function identifyInterpreter(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; version: string; implementation: string } | null> {
  if (!isAbsolute(path) || !isExecutableFile(path)) return null;
  const cache = openProbeCache(join(dhtlCacheDir(env), "interpreters.json"), {
    sameProgram: sameInterpreterName,
  });
  const identity = await probeInterpreter(path, env, 4000, cache);
  cache.save();
  return identity ? { path, ...identity } : null;
}

/** Newest version first, then by source preference, then by path so the order never depends on the disk. */
export function sortInterpreters(interpreters: PythonInterpreter[]): PythonInterpreter[] {
  return [...interpreters].sort(
    (a, b) =>
      compareVersions(b.version, a.version) ||
      SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
}

/** Numeric comparison of dotted versions (`3.10.1` > `3.9.18`). */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function sameVersion(actual: string, wanted: string): boolean {
  return compareVersions(actual, wanted) === 0 && actual.split(".").length === wanted.split(".").length;
}

// ---------------------------------------------------------------------------------------------------------
// Where interpreters live

interface InstallLocations {
  home: string;
  pyenvRoot: string;
  uvPythonDir: string;
  asdfDir: string;
  miseDir: string;
  condaRoots: string[];
}

function installLocations(env: NodeJS.ProcessEnv): InstallLocations {
  const home = env.HOME || env.USERPROFILE || homedir();
  const dataHome = env.XDG_DATA_HOME || join(home, ".local", "share");
  const condaRoots = [
    "miniconda3",
    "anaconda3",
    "miniforge3",
    "mambaforge",
    "micromamba",
    "miniconda",
    "anaconda",
    ".conda",
  ].map((name) => join(home, name));
  condaRoots.push("/opt/conda", "/opt/miniconda3", "/opt/anaconda3", "/opt/miniforge3");
  for (const variable of ["CONDA_PREFIX", "MAMBA_ROOT_PREFIX", "CONDA_ROOT"]) {
    const value = env[variable];
    if (value && isAbsolute(value)) condaRoots.push(value);
  }
  return {
    home,
    pyenvRoot: env.PYENV_ROOT || join(home, ".pyenv"),
    uvPythonDir: env.UV_PYTHON_INSTALL_DIR || join(dataHome, "uv", "python"),
    asdfDir: env.ASDF_DATA_DIR || join(home, ".asdf"),
    miseDir: env.MISE_DATA_DIR || join(dataHome, "mise"),
    condaRoots,
  };
}

/** The `python*` executables in each PATH directory; pyenv shims are resolved to the build they run. */
async function pathCandidates(env: NodeJS.ProcessEnv, locations: InstallLocations): Promise<Candidate[]> {
  const found: Candidate[] = [];
  const shims: string[] = [];
  const seenDirs = new Set<string>();
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (!dir || !isAbsolute(dir) || seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    // Names only, and only the interpreters' sorted: /usr/bin holds a thousand other entries.
    for (const name of listNames(dir, (entry) => EXECUTABLE_NAME.test(entry))) {
      const path = join(dir, name);
      // A shim is a script that picks a version at run time: it is not an interpreter itself.
      if (basename(dir) === "shims") {
        if (dir === join(locations.pyenvRoot, "shims") && !isDirectory(path)) shims.push(name);
        continue;
      }
      // A directory is no executable file, so it needs no check of its own here.
      if (isExecutableFile(path)) found.push({ path, source: "path", onPath: true });
    }
  }
  if (shims.length > 0) found.push(...(await resolvePyenvShims(shims, env, locations.pyenvRoot)));
  return found;
}

/** Which pyenv builds the shims on PATH run (see `programBehindShim`). */
async function resolvePyenvShims(
  shimNames: string[],
  env: NodeJS.ProcessEnv,
  pyenvRoot: string,
): Promise<Candidate[]> {
  const active = await pyenvActiveVersions(env, pyenvRoot);
  return shimNames
    .map((shim) => programBehindShim(pyenvRoot, active, shim))
    .filter((path): path is string => path !== null)
    .map((path) => ({ path, source: "pyenv", onPath: true }));
}

/** `$PYENV_ROOT`, or `~/.pyenv`. */
export function pyenvRootOf(env: NodeJS.ProcessEnv = process.env): string {
  return installLocations(env).pyenvRoot;
}

/**
 * The pyenv versions the shims currently run (`3.11.7:3.12.1` → both, in order), from one
 * `pyenv version-name` call; empty when pyenv is absent, fails, or only `system` is active.
 */
export function pyenvActiveVersions(env: NodeJS.ProcessEnv, pyenvRoot = pyenvRootOf(env)): Promise<string[]> {
  // Interpreter discovery and the tool probes ask at the same moment: one bash pipeline (~90 ms) serves
  // both. Only calls in flight are shared, so a later call sees any change to the pins.
  const key = JSON.stringify([pyenvRoot, env.PYENV_VERSION, env.PYENV_DIR, env.PATH, process.cwd()]);
  const pending = activeVersionsInFlight.get(key);
  if (pending) return pending;
  const started = readActiveVersions(env, pyenvRoot).finally(() => activeVersionsInFlight.delete(key));
  activeVersionsInFlight.set(key, started);
  return started;
}

const activeVersionsInFlight = new Map<string, Promise<string[]>>();

async function readActiveVersions(env: NodeJS.ProcessEnv, pyenvRoot: string): Promise<string[]> {
  const pyenv = [join(pyenvRoot, "bin", "pyenv"), join(pyenvRoot, "libexec", "pyenv")].find(isExecutableFile);
  if (!pyenv) return [];
  // `pyenv version-name` is a pipeline of five bash scripts (~90 ms of CPU); without version-name hooks it
  // only reads PYENV_VERSION or the nearest .python-version (else $PYENV_ROOT/version), as here.
  if (!hasVersionNameHooks(pyenvRoot)) return versionNamesFromFiles(env, pyenvRoot);
  const result = await run(pyenv, ["version-name"], {
    env: { ...env, PYENV_ROOT: pyenvRoot },
    timeoutMs: 3000,
  });
  if (result.code !== 0) return [];
  return result.stdout
    .trim()
    .split(":")
    .filter((name) => name && name !== "system");
}

/** Plugins or the user may hook `pyenv version-name`; then only pyenv itself can answer. */
function hasVersionNameHooks(pyenvRoot: string): boolean {
  const dirs = [join(pyenvRoot, "pyenv.d", "version-name")];
  try {
    for (const plugin of readdirSync(join(pyenvRoot, "plugins"))) {
      dirs.push(join(pyenvRoot, "plugins", plugin, "etc", "pyenv.d", "version-name"));
    }
  } catch {}
  return dirs.some((dir) => existsSync(dir));
}

/** What `pyenv version-name` prints, read from PYENV_VERSION or the version files pyenv-version-file finds. */
function versionNamesFromFiles(env: NodeJS.ProcessEnv, pyenvRoot: string): string[] {
  const fromEnv = env.PYENV_VERSION?.trim();
  let names: string[] = fromEnv ? fromEnv.split(":") : [];
  if (!fromEnv) {
    let dir = resolve(env.PYENV_DIR || process.cwd());
    let file: string | null = null;
    for (;;) {
      if (isFileAt(join(dir, ".python-version"))) {
        file = join(dir, ".python-version");
        break;
      }
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
    file ??= join(pyenvRoot, "version");
    try {
      // pyenv-version-file-read: the first word of each line, `#` comments skipped, paths refused.
      names = readFileSync(file, "utf8")
        .split(/\r?\n/)
        .map((line) => line.trim().split(/\s+/)[0] ?? "")
        .filter((word) => word && !word.startsWith("#") && !word.includes("/") && word !== "..");
    } catch {
      names = [];
    }
  }
  return names.filter((name) => name && name !== "system");
}

function isFileAt(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** The program a pyenv shim runs: the first active version that has one of that name, or null. */
export function programBehindShim(pyenvRoot: string, activeVersions: string[], name: string): string | null {
  for (const version of activeVersions) {
    const path = join(pyenvRoot, "versions", version, "bin", name);
    if (isExecutableFile(path)) return path;
  }
  return null;
}

function pyenvCandidates(pyenvRoot: string): Candidate[] {
  return toolInstallCandidates(join(pyenvRoot, "versions"), "pyenv");
}

/** `<dir>/<version>/bin/python` for each installed version (pyenv, asdf and mise share this layout). */
function toolInstallCandidates(dir: string, source: InterpreterSource): Candidate[] {
  const found: Candidate[] = [];
  for (const entry of listDir(dir)) {
    const executable = firstInterpreterIn(join(dir, entry.name));
    if (executable) found.push({ path: executable, source, onPath: false });
  }
  return found;
}

/** uv-managed Pythons: `<uv python dir>/cpython-3.12.1-linux-x86_64-gnu/bin/python3`. */
function uvCandidates(uvPythonDir: string): Candidate[] {
  const found: Candidate[] = [];
  for (const entry of listDir(uvPythonDir)) {
    if (entry.name.startsWith(".")) continue;
    const executable = firstInterpreterIn(join(uvPythonDir, entry.name));
    if (executable) found.push({ path: executable, source: "uv", onPath: false });
  }
  return found;
}

/**
 * Conda base installs and their environments. `~/.conda/environments.txt` is conda's own registry of every
 * environment it created; reading it replaces `conda env list`, which costs a second of Python start-up.
 */
function condaCandidates(locations: InstallLocations): Candidate[] {
  const prefixes = new Set<string>();
  for (const root of locations.condaRoots) {
    prefixes.add(root);
    for (const entry of listDir(join(root, "envs"))) prefixes.add(join(root, "envs", entry.name));
  }
  for (const line of readLines(join(locations.home, ".conda", "environments.txt"))) {
    if (isAbsolute(line)) prefixes.add(line);
  }
  const found: Candidate[] = [];
  for (const prefix of prefixes) {
    const executable = firstInterpreterIn(prefix);
    if (executable) found.push({ path: executable, source: "conda", onPath: false });
  }
  return found;
}

/** macOS python.org installers. */
function frameworkCandidates(): Candidate[] {
  if (process.platform !== "darwin") return [];
  return toolInstallCandidates("/Library/Frameworks/Python.framework/Versions", "system");
}

/** `prefix/bin/python3`, `prefix/bin/python`, … — the first that exists. */
function firstInterpreterIn(prefix: string): string | null {
  const names = ["python3", "python", "pypy3", "pypy", "graalpy"];
  for (const name of names) {
    const path = join(prefix, "bin", name);
    if (isExecutableFile(path)) return path;
  }
  // Windows layout (conda and python.org): python.exe at the prefix itself.
  const windows = join(prefix, "python.exe");
  return process.platform === "win32" && isExecutableFile(windows) ? windows : null;
}

// ---------------------------------------------------------------------------------------------------------
// Merging and probing

/**
 * One candidate per real executable. `python`, `python3` and `python3.11` of one build are one
 * interpreter; it is on PATH if any of its names is, and its source is where the file really lives.
 */
function mergeByRealPath(candidates: Candidate[], locations: InstallLocations): Candidate[] {
  const groups = new Map<string, Candidate[]>();
  for (const candidate of candidates) {
    let real: string;
    try {
      real = realpathSync(candidate.path);
    } catch {
      continue; // dangling symlink: a removed build
    }
    const group = groups.get(real);
    if (group) group.push(candidate);
    else groups.set(real, [candidate]);
  }
  const merged: Candidate[] = [];
  for (const [real, group] of groups) {
    const source =
      group.map((candidate) => candidate.source).find((source) => source !== "path") ??
      classifyLocation(real, locations);
    const preferred = group.filter((candidate) => candidate.source === source);
    // `python3` over `python` over `python3.11`, first in PATH order: the name a person would type.
    const path = (preferred.length > 0 ? preferred : group)
      .map((candidate) => candidate.path)
      .reduce((best, next) => (nameRank(next) < nameRank(best) ? next : best));
    merged.push({ path, source, onPath: group.some((candidate) => candidate.onPath) });
  }
  return merged;
}

function nameRank(path: string): number {
  const name = basename(path);
  return name === "python3" ? 0 : name === "python" ? 1 : 2 + name.length;
}

/** What installed a file, judged from where it lives. */
function classifyLocation(realPath: string, locations: InstallLocations): InterpreterSource {
  const within = (dir: string) => realPath.startsWith(dir.endsWith(sep) ? dir : dir + sep);
  if (within(locations.pyenvRoot)) return "pyenv";
  if (within(locations.uvPythonDir)) return "uv";
  if (within(locations.asdfDir)) return "asdf";
  if (within(locations.miseDir)) return "mise";
  if (locations.condaRoots.some(within)) return "conda";
  const systemDirs = ["/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew", "/usr/local/Cellar", "/Library"];
  if (systemDirs.some((dir) => within(dir) || dirname(realPath) === dir)) return "system";
  return "path";
}

/**
 * Runs the interpreter with a fixed two-line script (never project code) from `/`, so a stray
 * `platform.py` in the working directory cannot shadow the standard library.
 */
async function probeInterpreter(
  path: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
  cache: ProbeCache,
): Promise<{ version: string; implementation: string } | null> {
  const cached = cache.get(path);
  const identity = cached === null ? null : parseProbeOutput(cached);
  if (identity) return identity;
  const result = await run(path, PROBE_FLAGS, { env, timeoutMs, cwd: "/" });
  if (result.code !== 0) return null;
  const probed = parseProbeOutput(result.stdout);
  if (probed) cache.set(path, result.stdout, EXECUTABLE_NAME);
  return probed;
}

function parseProbeOutput(output: string): { version: string; implementation: string } | null {
  const match = /^(\S+) (\d+\.\d+\.\d+)\s*$/.exec(output);
  if (!match) return null;
  return { implementation: implementationName(match[1]!), version: match[2]! };
}

function implementationName(reported: string): string {
  const lower = reported.toLowerCase();
  // GraalPy reports its implementation as "GraalVM".
  return lower === "graalvm" ? "graalpy" : lower;
}

/** `Promise.all(items.map(fn))` with at most `limit` calls in flight; results keep the input order. */
async function mapLimited<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

// ---------------------------------------------------------------------------------------------------------
// Small file-system helpers that never throw: a missing directory just means nothing is installed there.

function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
    );
  } catch {
    return [];
  }
}

/** The names in `dir` that `keep` accepts, sorted; none when it cannot be read. */
function listNames(dir: string, keep: (name: string) => boolean): string[] {
  try {
    return readdirSync(dir)
      .filter(keep)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  } catch {
    return [];
  }
}

/** The entry itself is a directory (a link to one is not), as a directory listing reports it. */
function isDirectory(path: string): boolean {
  try {
    return lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    return false;
  }
}

function readLines(path: string): string[] {
  try {
    return readFileSync(path, "utf8")
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
  } catch {
    return [];
  }
}
