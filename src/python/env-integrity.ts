/**
 * What makes an environment run code nobody installed, beyond its packages' own files (which RECORD hashes
 * cover): its interpreter and Python's start-up hooks.
 *
 * - `bin/python` must exist and be the interpreter itself: a link to an executable outside the environment,
 *   or a native binary — never a script (a wrapper that runs something first), never missing;
 *   `python3`/`python3.X` must reach the same file.
 * - `pyvenv.cfg` must not say `include-system-site-packages = true` (dhtl never builds such environments:
 *   the machine's packages would leak in).
 * - every `.pth` file and `sitecustomize.py`/`usercustomize.py` at the top of site-packages must belong to
 *   an installed distribution's RECORD (Python runs `.pth` import lines at every start); uv's own
 *   `_virtualenv.pth` must hold its one import line.
 *
 * Each problem is one sentence naming the file; the list is empty for a sound environment.
 */
import { readdirSync, readFileSync, realpathSync } from "node:fs";
import { join, sep } from "node:path";
import { readFileHead } from "../core/fs.js";
import { lstatOrNull } from "../core/safe-path.js";
import { type DistributionRecord, readDistributionRecords } from "./dist-records.js";
import { findModifiedFiles } from "./record-hashes.js";
import { uniqueSitePackages } from "./venv-info.js";

const STARTUP_MODULES = new Set(["sitecustomize.py", "usercustomize.py"]);
const UV_STARTUP_PTH = "_virtualenv.pth";

/**
 * The environment's integrity problems. `records` (every distribution's RECORD) lets the start-up files be
 * checked against what was installed; without them (the prompt hook's quick mode) only files no package
 * ships — `sitecustomize.py`, `usercustomize.py` and a changed `_virtualenv.pth` — are reported.
 */
export function environmentIntegrity(venv: string, records: DistributionRecord[] | null): string[] {
  return [...interpreterProblems(venv), ...configProblems(venv), ...startupProblems(venv, records)];
}

/**
 * What is wrong with a freshly built environment before it goes live, or nothing: every installed file
 * re-hashed against its RECORD (a corrupted uv cache entry shows here, not in the user's next import) and
 * the interpreter and start-up hooks checked.
 */
export function newEnvironmentProblems(
  envPath: string,
  /** The re-hash's answer when the caller has just made it (run/shipped-records.ts); else it is made here. */
  modifiedFiles: string[] | null = null,
): string[] {
  const dists = readDistributionRecords(envPath);
  return [
    ...environmentIntegrity(envPath, dists),
    ...(modifiedFiles ?? findModifiedFiles(dists)).map(
      (file) => `${file} differs from the hash its RECORD lists`,
    ),
  ];
}

function interpreterProblems(venv: string): string[] {
  const bin = join(venv, process.platform === "win32" ? "Scripts" : "bin");
  const python = join(bin, process.platform === "win32" ? "python.exe" : "python");
  const stat = lstatOrNull(python);
  if (stat === null) return ["bin/python is missing"];
  let real: string;
  try {
    real = realpathSync(python);
  } catch {
    return ["bin/python is a broken link"];
  }
  if (isScript(real)) return ["bin/python runs a script (a wrapper), not the interpreter"];
  const problems: string[] = [];
  if (!stat.isSymbolicLink() && !stat.isFile()) problems.push("bin/python is not a file");
  let entries: string[] = [];
  try {
    entries = readdirSync(bin);
  } catch {}
  for (const name of entries.filter((entry) => /^python3(\.\d+)?$/.test(entry)).sort()) {
    let other: string | null;
    try {
      other = realpathSync(join(bin, name));
    } catch {
      other = null;
    }
    if (other !== real) problems.push(`bin/${name} is not the environment's interpreter (bin/python)`);
  }
  return problems;
}

function configProblems(venv: string): string[] {
  let text: string;
  try {
    text = readFileSync(join(venv, "pyvenv.cfg"), "utf8");
  } catch {
    return ["pyvenv.cfg is missing"];
  }
  const systemSite = /^\s*include-system-site-packages\s*=\s*(\S+)/im.exec(text)?.[1];
  return systemSite && systemSite.toLowerCase() !== "false"
    ? ["pyvenv.cfg has include-system-site-packages = true: the machine's packages leak in"]
    : [];
}

function startupProblems(venv: string, records: DistributionRecord[] | null): string[] {
  const problems: string[] = [];
  const claimed = records === null ? null : recordedTopLevelFiles(records);
  for (const site of uniqueSitePackages(venv)) {
    const prefix = site
      .slice(venv.length + 1)
      .split(sep)
      .join("/");
    for (const entry of readdirSync(site).sort()) {
      if (!entry.endsWith(".pth") && !STARTUP_MODULES.has(entry)) continue;
      const shown = `${prefix}/${entry}`;
      if (entry === UV_STARTUP_PTH) {
        if (readFileSync(join(site, entry), "utf8").trim() !== "import _virtualenv")
          problems.push(`${shown} is not the one uv writes (it runs at every Python start)`);
        continue;
      }
      const known = claimed?.has(entry) ?? !STARTUP_MODULES.has(entry);
      if (!known) problems.push(`${shown} is not installed by any package (it runs at every Python start)`);
    }
  }
  return problems;
}

/** Top-level file names of site-packages that some RECORD lists. */
function recordedTopLevelFiles(records: DistributionRecord[]): Set<string> {
  const names = new Set<string>();
  for (const dist of records) {
    for (const row of dist.record) if (!row.path.includes("/")) names.add(row.path);
  }
  return names;
}

/** A file starting with `#!`: what a wrapper replacing the interpreter looks like. */
function isScript(path: string): boolean {
  return readFileHead(path, 2)?.toString("latin1") === "#!";
}
