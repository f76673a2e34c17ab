import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import { resolvedInsideProject } from "../core/safe-path.js";
import { RUNTIME_LOCK_FILES } from "../facts/languages/runtimes.js";
import { normalizeName } from "../pep/names.js";
import { readDirectUrl, readDistInfo } from "../python/dist-info.js";
import { readDistributionRecords } from "../python/dist-records.js";
import { environmentIntegrity } from "../python/env-integrity.js";
import { platformKey, sha256File, sha256Of } from "../python/platform.js";
import { findModifiedFiles } from "../python/record-hashes.js";
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
import {
  lockChangedSinceRecord,
  mergeStale,
  type StaleRecord,
  uvManifestChangedSinceLock,
} from "./stale-record.js";
import { type ToolDrift, toolDrift } from "./tools-drift.js";

/** The `--json` contract of `dhtl validate-env` (issue 3). */
export interface ValidationReport {
  ok: boolean;
  /**
   * The record is behind the project: the lock (or what it is made from) changed since `.dhtconfig` was
   * written — record it with `command`, do not undo it. Null when the record is current.
   */
  stale: StaleRecord | null;
  python: { expected: string | null; actual: string | null };
  checksum: { expected: string | null; actual: string | null };
  drift: {
    extra: string[];
    missing: string[];
    changed: { name: string; expected: string; actual: string }[];
    modifiedFiles: string[];
    /** The interpreter or Python's start-up hooks are not what was built (see env-integrity.ts). */
    environment: string[];
    /** Dev tools `.dhtconfig` records that are missing, another version, or not on `.venv/bin`. */
    tools: ToolDrift[];
  };
}

export interface ValidateOptions {
  /** Interpreter and name==version only: no file hashing, no process when the expected set is cached. */
  quick: boolean;
  /** Default `<root>/.venv`. */
  venvPath?: string;
  /** Quick mode: leave (or, on drift, remove) the stamp the activation hook reads (see quick-stamp.ts). */
  stamp?: boolean;
  /** Full mode: the files the caller has just re-hashed against their RECORD and found modified; not hashed again. */
  modifiedFiles?: string[];
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
  // Caches and the stamp live in the environment only when it is inside the project (never via a link out).
  const cacheVenv = resolvedInsideProject(root, venv);
  const config = await loadDhtConfig(configPath, cacheVenv);
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

  // A lock changed since the record: the recorded checksum belongs to the old lock, not to this one.
  const lockChanged = lockChangedSinceRecord(root, config);
  const stale = mergeStale(
    lockChanged,
    options.quick || config.lock?.file !== "uv.lock" ? null : uvManifestChangedSinceLock(root),
  );
  const recorded = config.environment?.checksums[platformKey()] ?? null;
  let actualChecksum: string | null = null;
  if (!options.quick) {
    drift.modifiedFiles = options.modifiedFiles ?? findModifiedFiles(dists);
    actualChecksum = environmentChecksum(environmentStateOf(python, dists));
  }
  drift.environment = environmentIntegrity(venv, options.quick ? null : dists);
  drift.tools = toolDrift(venv, config.tools, new Set(installed.map((dist) => dist.name)));
  const checksumOk =
    options.quick || recorded === null || lockChanged !== null || recorded === actualChecksum;
  const clean =
    !drift.extra.length &&
    !drift.missing.length &&
    !drift.changed.length &&
    !drift.modifiedFiles.length &&
    !drift.environment.length &&
    !drift.tools.length;
  const ok = pythonOk && checksumOk && clean && stale === null;
  if (options.quick && options.stamp && cacheVenv) {
    if (!ok) clearQuickStamp(cacheVenv);
    else {
      const lockFile = config.lock?.file ?? "uv.lock";
      const groupsLock = config.lock?.groups ? [config.lock.groups.file] : [];
      writeQuickStamp({
        root,
        venv: cacheVenv,
        lockFiles: [lockFile, ...groupsLock, ...RUNTIME_LOCK_FILES].map((file) => join(root, file)),
        sitePackages: uniqueSitePackages(venv),
        startedAtMs,
      });
    }
  }
  return {
    ok,
    stale,
    python: { expected: expectedPython, actual: actualPython },
    checksum: { expected: recorded, actual: actualChecksum },
    drift,
  };
}

/** `.dhtconfig`, parsed once per edit: the parse result is cached in the environment (see env-cache.ts). */
async function loadDhtConfig(configPath: string, venv: string | null): Promise<DhtConfig> {
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
  // Node/Go toolchain wheels dhtl installed from its own runtime locks are expected too, and so is a uv
  // project's lock of the groups uv does not read.
  const groupsLock = config.lock?.groups?.file;
  if (groupsLock && !existsSync(join(root, groupsLock))) {
    throw new DhtlError("badInput", `the lock file ${groupsLock} does not exist`, {
      file: ".dhtconfig",
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  }
  const runtimeLocks = [
    ...(groupsLock ? [groupsLock] : []),
    ...RUNTIME_LOCK_FILES.filter((file) => existsSync(join(root, file))),
  ];
  const digests = [
    sha256File(lockPath),
    ...runtimeLocks.map((file) => `${file}:${sha256File(join(root, file))}`),
  ];
  const extras = config.extras ?? [];
  // The extras change what the lock installs: part of the key (`extras=test,docs`), absent when none.
  if (extras.length > 0) digests.push(`extras=${extras.join(",")}`);
  const key = expectedCacheKey(digests.join(" "), python);
  const cacheVenv = resolvedInsideProject(root, venv);
  const cached = cachedExpectedPackages(cacheVenv, key);
  if (cached) return cached;
  const { computeExpectedPackages } = await import("./expected-packages.js");
  const computed = await computeExpectedPackages(root, lockFile, python, runtimeLocks, extras);
  cacheExpectedPackages(cacheVenv, key, computed);
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
  const drift: ValidationReport["drift"] = {
    extra: [],
    missing: [],
    changed: [],
    modifiedFiles: [],
    environment: [],
    tools: [],
  };
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
  const installedSources = new Set(installed.map((dist) => editableSourceInside(dist.distInfo, root)));
  for (const path of expected.localPaths ?? []) {
    const source = realPathOrNull(join(root, path));
    if (source === null || !installedSources.has(source)) drift.missing.push(`${path} (local, editable)`);
  }
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
  return editableSourceInside(distInfo, root) !== null;
}

/** The real path of the directory an editable distribution was installed from, when inside the project. */
function editableSourceInside(distInfo: string, root: string): string | null {
  const direct = readDirectUrl(distInfo);
  // Editable, or the project itself built from its directory as a regular package (no PEP 660 backend).
  if (!(direct?.editable || direct?.directory) || !direct.url?.startsWith("file://")) return null;
  try {
    const path = realpathSync(decodeURIComponent(new URL(direct.url).pathname));
    const real = realpathSync(root);
    return path === real || path.startsWith(`${real}/`) ? path : null;
  } catch {
    return null;
  }
}

function realPathOrNull(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}
