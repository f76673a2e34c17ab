import { createHash } from "node:crypto";
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, realpathSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import { RUNTIME_LOCK_FILES } from "../facts/languages/runtimes.js";
import { normalizeName } from "../pep/names.js";
import { readDirectUrl, readDistInfo } from "../python/dist-info.js";
import { type DistributionRecord, readDistributionRecords } from "../python/dist-records.js";
import { platformKey, sha256File, sha256Of } from "../python/platform.js";
import { readVenvPython, uniqueSitePackages, type VenvPython } from "../python/venv-info.js";
import { environmentChecksum, environmentStateOf } from "../record/checksum.js";
import type { DhtConfig } from "../record/dhtconfig.js";
import { clearQuickStamp, writeQuickStamp } from "../run/quick-stamp.js";
import {
  cacheDhtConfig,
  cachedDhtConfig,
  cachedExpectedPackages,
  cacheExpectedPackages,
  type ExpectedPackages,
  expectedCacheKey,
} from "./env-cache.js";

/** The `--json` contract of `dhtl validate-env` (issue 3). */
export interface ValidationReport {
  ok: boolean;
  python: { expected: string | null; actual: string | null };
  checksum: { expected: string | null; actual: string | null };
  drift: {
    extra: string[];
    missing: string[];
    changed: { name: string; expected: string; actual: string }[];
    modifiedFiles: string[];
  };
}

export interface ValidateOptions {
  /** Interpreter and name==version only: no file hashing, no process when the expected set is cached. */
  quick: boolean;
  /** Default `<root>/.venv`. */
  venvPath?: string;
  /** Quick mode: leave (or, on drift, remove) the stamp the activation hook reads (see quick-stamp.ts). */
  stamp?: boolean;
}

interface Installed {
  name: string;
  version: string;
  /** Absolute `.dist-info` directory. */
  distInfo: string;
}

/** Compares the environment with what `.dhtconfig` and the lock say it should be. */
export async function validateEnvironment(root: string, options: ValidateOptions): Promise<ValidationReport> {
  const startedAtMs = Date.now();
  root = resolve(root);
  const configPath = join(root, ".dhtconfig");
  if (!existsSync(configPath)) {
    throw new DhtlError("badInput", `no .dhtconfig in ${root}`, {
      hint: "run `dhtl setup` to create the environment and record it",
    });
  }
  const venv = options.venvPath ?? join(root, ".venv");
  if (!existsSync(join(venv, "pyvenv.cfg"))) {
    throw new DhtlError("badInput", `no virtual environment at ${venv}`, {
      hint: "run `dhtl regenerate` to rebuild it from .dhtconfig and the lock (or `dhtl setup`)",
    });
  }
  const config = await loadDhtConfig(configPath, venv);
  const python = readVenvPython(venv);
  const expectedPython = expectedPythonVersion(root, config);
  const actualPython = describePython(python);
  const pythonOk = expectedPython === null || pythonMatches(expectedPython, config, python);

  const expected = await expectedPackagesFor(root, venv, config, python);
  const dists = options.quick ? [] : readDistributionRecords(venv);
  const installed = options.quick
    ? listInstalledQuick(venv)
    : dists.map((d) => ({ name: d.name, version: d.version, distInfo: d.distInfo }));
  const drift = compareSets(root, expected, installed, await versionEquality(expected, installed));

  const recorded = config.environment?.checksums[platformKey()] ?? null;
  let actualChecksum: string | null = null;
  if (!options.quick) {
    drift.modifiedFiles = findModifiedFiles(dists);
    actualChecksum = environmentChecksum(environmentStateOf(python, dists));
  }
  const checksumOk = options.quick || recorded === null || recorded === actualChecksum;
  const clean =
    !drift.extra.length && !drift.missing.length && !drift.changed.length && !drift.modifiedFiles.length;
  const ok = pythonOk && checksumOk && clean;
  if (options.quick && options.stamp) {
    if (!ok) clearQuickStamp(venv);
    else {
      const lockFile = config.lock?.file ?? "uv.lock";
      writeQuickStamp({
        root,
        venv,
        lockFiles: [lockFile, ...RUNTIME_LOCK_FILES].map((file) => join(root, file)),
        sitePackages: uniqueSitePackages(venv),
        startedAtMs,
      });
    }
  }
  return {
    ok,
    python: { expected: expectedPython, actual: actualPython },
    checksum: { expected: recorded, actual: actualChecksum },
    drift,
  };
}

/** `.dhtconfig`, parsed once per edit: the parse result is cached in the environment (see env-cache.ts). */
async function loadDhtConfig(configPath: string, venv: string): Promise<DhtConfig> {
  const text = readFileSync(configPath);
  const digest = sha256Of(text);
  const cached = cachedDhtConfig(venv, digest);
  if (cached) return cached;
  const { parseDhtConfig } = await import("../record/dhtconfig.js");
  const config = parseDhtConfig(text.toString("utf8"));
  cacheDhtConfig(venv, digest, config);
  return config;
}

/** The recorded exact version, else a `.python-version` pin (exact or minor), else nothing to check. */
export function expectedPythonVersion(root: string, config: DhtConfig): string | null {
  if (config.python) {
    return config.python.implementation === "cpython"
      ? config.python.version
      : `${config.python.implementation}-${config.python.version}`;
  }
  const pinFile = join(root, ".python-version");
  if (!existsSync(pinFile)) return null;
  for (const raw of readFileSync(pinFile, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = line.match(/^(?:cpython-)?(\d+\.\d+(?:\.\d+)?(?:(?:a|b|rc)\d+)?)$/);
    return match ? match[1]! : null;
  }
  return null;
}

function describePython(python: VenvPython): string {
  return python.implementation === "cpython" ? python.version : `${python.implementation}-${python.version}`;
}

function pythonMatches(expected: string, config: DhtConfig, python: VenvPython): boolean {
  if (config.python && config.python.implementation !== python.implementation) return false;
  const version = expected.replace(/^[a-z]+-/, "");
  // A minor pin (`3.12`) accepts any patch release; an exact one only itself.
  return version.split(".").length === 2
    ? python.version.startsWith(`${version}.`)
    : version === python.version;
}

/**
 * What the recorded lock installs for this interpreter, cached in the environment keyed by the lock's
 * digest. setup/fix-env may call it right after a sync so that the first `--quick` spawns nothing.
 */
export async function expectedPackagesFor(
  root: string,
  venv: string,
  config: DhtConfig,
  python: VenvPython,
): Promise<ExpectedPackages> {
  const lockFile = config.lock?.file ?? (existsSync(join(root, "uv.lock")) ? "uv.lock" : null);
  if (!lockFile) {
    throw new DhtlError("badInput", ".dhtconfig records no lock file and the project has no uv.lock", {
      file: ".dhtconfig",
      hint: "run `dhtl setup` to lock the dependencies",
    });
  }
  const lockPath = join(root, lockFile);
  if (!existsSync(lockPath)) {
    throw new DhtlError("badInput", `the lock file ${lockFile} does not exist`, {
      file: ".dhtconfig",
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  }
  // Node/Go toolchain wheels dhtl installed from its own runtime locks are expected too.
  const runtimeLocks = RUNTIME_LOCK_FILES.filter((file) => existsSync(join(root, file)));
  const digests = [
    sha256File(lockPath),
    ...runtimeLocks.map((file) => `${file}:${sha256File(join(root, file))}`),
  ];
  const extras = config.extras ?? [];
  // The extras change what the lock installs: part of the key (`extras=test,docs`), absent when none.
  if (extras.length > 0) digests.push(`extras=${extras.join(",")}`);
  const key = expectedCacheKey(digests.join(" "), python);
  const cached = cachedExpectedPackages(venv, key);
  if (cached) return cached;
  const { computeExpectedPackages } = await import("./expected-packages.js");
  const computed = await computeExpectedPackages(root, lockFile, python, runtimeLocks, extras);
  cacheExpectedPackages(venv, key, computed);
  return computed;
}

/** Names and versions from the `.dist-info` directory names alone (`six-1.16.0.dist-info`). */
function listInstalledQuick(venv: string): Installed[] {
  const result: Installed[] = [];
  for (const site of uniqueSitePackages(venv)) {
    for (const entry of readdirSync(site)) {
      if (!entry.endsWith(".dist-info")) continue;
      const distInfo = join(site, entry);
      const stem = entry.slice(0, -".dist-info".length);
      const dash = stem.indexOf("-");
      if (dash > 0 && dash === stem.lastIndexOf("-")) {
        result.push({ name: normalizeName(stem.slice(0, dash)), version: stem.slice(dash + 1), distInfo });
        continue;
      }
      // Not a wheel-spec directory name: the METADATA says for sure.
      const dist = readDistInfo(distInfo);
      if (dist) result.push({ name: dist.normalized, version: dist.version, distInfo });
    }
  }
  return result;
}

type VersionEquality = (a: string, b: string) => boolean;

/** Textual equality, plus PEP 440 equality (`1.0` == `1.0.0`) loaded only when some text differs. */
async function versionEquality(expected: ExpectedPackages, installed: Installed[]): Promise<VersionEquality> {
  const differs = installed.some((d) => {
    const want = expected.packages[d.name];
    return typeof want === "string" && want !== d.version;
  });
  if (!differs) return (a, b) => a === b;
  const { versionsEqual } = await import("../pep/pep440.js");
  return versionsEqual;
}

function compareSets(
  root: string,
  expected: ExpectedPackages,
  installed: Installed[],
  sameVersion: VersionEquality,
): ValidationReport["drift"] {
  const drift: ValidationReport["drift"] = { extra: [], missing: [], changed: [], modifiedFiles: [] };
  const editable = new Set(expected.editable);
  const seen = new Set<string>();
  for (const dist of installed) {
    seen.add(dist.name);
    if (dist.name in expected.packages) {
      const want = expected.packages[dist.name];
      if (want != null && !sameVersion(want, dist.version)) {
        drift.changed.push({ name: dist.name, expected: want, actual: dist.version });
      }
    } else if (!editable.has(dist.name) && !isEditableInside(dist.distInfo, root)) {
      drift.extra.push(`${dist.name}==${dist.version}`);
    }
  }
  for (const [name, version] of Object.entries(expected.packages)) {
    if (!seen.has(name)) drift.missing.push(version ? `${name}==${version}` : name);
  }
  for (const name of editable) if (!seen.has(name)) drift.missing.push(name);
  drift.extra.sort();
  drift.missing.sort();
  drift.changed.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return drift;
}

/**
 * The project itself (or a package inside it) installed editable is expected even when the lock cannot
 * say so — a compiled requirements lock never lists the project.
 */
function isEditableInside(distInfo: string, root: string): boolean {
  const direct = readDirectUrl(distInfo);
  if (!direct?.editable || !direct.url?.startsWith("file://")) return false;
  try {
    const path = realpathSync(decodeURIComponent(new URL(direct.url).pathname));
    const real = realpathSync(root);
    return path === real || path.startsWith(`${real}/`);
  } catch {
    return false;
  }
}

/**
 * Re-hashes every file RECORD lists with a hash and returns the site-packages-relative paths whose
 * content changed or vanished. Bytecode is skipped: Python rewrites it on its own.
 */
export function findModifiedFiles(dists: DistributionRecord[]): string[] {
  const modified: string[] = [];
  // One reused buffer instead of a Buffer per file: a big environment has tens of thousands of files.
  const buffer = Buffer.allocUnsafe(1 << 20);
  for (const dist of dists) {
    const base = dirname(dist.distInfo);
    for (const row of dist.record) {
      if (!row.hash.startsWith("sha256=") || row.path.endsWith(".pyc")) continue;
      // RECORD paths are `/`-separated and may climb out with `../` (scripts); the OS resolves both.
      if (hashFile(`${base}/${row.path}`, buffer) !== row.hash.slice(7)) modified.push(row.path);
    }
  }
  return modified.sort();
}

/** sha256 as RECORD writes it (urlsafe base64, no padding); "" when the file cannot be read. */
function hashFile(path: string, buffer: Buffer): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return "";
  }
  try {
    const hash = createHash("sha256");
    let read = readSync(fd, buffer, 0, buffer.length, null);
    while (read > 0) {
      hash.update(buffer.subarray(0, read));
      read = readSync(fd, buffer, 0, buffer.length, null);
    }
    return hash.digest("base64url");
  } catch {
    return "";
  } finally {
    closeSync(fd);
  }
}
