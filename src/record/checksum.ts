import { createHash } from "node:crypto";
import { compareText } from "../core/compare.js";
import { type DistributionRecord, readDistributionRecords } from "../python/dist-records.js";
import { readVenvPython } from "../python/venv-info.js";

/** What the environment checksum is computed from; everything here is read from files, nothing spawned. */
export interface EnvironmentState {
  python: { implementation: string; version: string };
  packages: {
    /** PEP 503-normalised. */
    name: string;
    version: string;
    /** sha256 over the RECORD rows that identify the installed content (see `recordDigest`). */
    recordDigest: string;
    /** Installed in editable mode (the project itself, a workspace member): its files are the user's source. */
    editable?: boolean;
    /** Absolute `.dist-info` path, for full validation; never part of the checksum. */
    distInfo?: string;
  }[];
}

/**
 * Reads the interpreter and every installed distribution of a virtual environment straight from
 * `pyvenv.cfg` and the `*.dist-info` directories.
 */
export function readEnvironmentState(venvPath: string): EnvironmentState {
  return environmentStateOf(readVenvPython(venvPath), readDistributionRecords(venvPath));
}

/** The state from distributions already read (full validation reads them once for everything). */
export function environmentStateOf(
  python: EnvironmentState["python"],
  dists: DistributionRecord[],
): EnvironmentState {
  const packages: EnvironmentState["packages"] = dists.map((dist) => ({
    name: dist.name,
    version: dist.version,
    recordDigest: dist.editable ? "editable" : recordDigest(dist.record),
    editable: dist.editable,
    distInfo: dist.distInfo,
  }));
  packages.sort((a, b) => compareText(a.name, b.name) || compareText(a.version, b.version));
  return { python, packages };
}

/**
 * The environment checksum: interpreter implementation and exact version, then one line per
 * distribution. An editable install counts by name only: its version and files are the project's own
 * source, which changes with every edit and is not part of the environment.
 */
export function environmentChecksum(state: EnvironmentState): string {
  const hash = createHash("sha256");
  hash.update(`python ${state.python.implementation} ${state.python.version}\n`);
  const lines = state.packages.map((p) =>
    p.editable ? `${p.name} editable\n` : `${p.name} ${p.version} ${p.recordDigest}\n`,
  );
  for (const line of lines.sort(compareText)) hash.update(line);
  return `sha256:${hash.digest("hex")}`;
}

/**
 * sha256 over the sorted `path hash` rows of a RECORD, leaving out what legitimately differs between
 * two installs of the same files:
 * - bytecode (`__pycache__/`, `*.pyc`): depends on whether and when the installer compiled;
 * - the RECORD itself and `INSTALLER`/`REQUESTED` (which tool, and whether the user asked for it);
 * - `direct_url.json` (absolute paths) and installer caches like uv's `uv_cache.json`/`uv_build.json`;
 * - the hash (not the path) of console scripts under `../../bin/` or `../../Scripts/`: their shebang
 *   holds the absolute path of the environment.
 */
export function recordDigest(record: { path: string; hash: string }[]): string {
  const rows: string[] = [];
  for (const { path, hash } of record) {
    if (isVolatile(path)) continue;
    rows.push(isScript(path) ? `${path}\t-` : `${path}\t${hash}`);
  }
  rows.sort(compareText);
  return `sha256:${createHash("sha256").update(rows.join("\n")).digest("hex")}`;
}

const VOLATILE_DIST_INFO_FILES = new Set(["RECORD", "INSTALLER", "REQUESTED", "direct_url.json"]);

function isVolatile(path: string): boolean {
  if (path.endsWith(".pyc") || path.includes("__pycache__/")) return true;
  const slash = path.indexOf("/");
  if (slash > 0 && path.slice(0, slash).endsWith(".dist-info") && path.indexOf("/", slash + 1) < 0) {
    const file = path.slice(slash + 1);
    return VOLATILE_DIST_INFO_FILES.has(file) || /^uv_[a-z_]+\.json$/.test(file);
  }
  return false;
}

/** A file installed outside site-packages into the environment's script directory. */
export function isScript(path: string): boolean {
  return path.startsWith("../") && /(^|\/)(bin|Scripts)\/[^/]+$/.test(path);
}
