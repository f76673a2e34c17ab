import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../core/compare.js";
import { normalizeName } from "../pep/names.js";

/** One installed distribution, read straight from its `*.dist-info` directory (never via pip). */
export interface InstalledDistribution {
  /** Name as written in METADATA. */
  name: string;
  /** PEP 503-normalised name. */
  normalized: string;
  version: string;
  /** Absolute path of the `.dist-info` directory. */
  distInfo: string;
  /** RECORD rows: path relative to site-packages, `sha256=…` hash or "" , size or null. */
  record: { path: string; hash: string; size: number | null }[];
  /** Top-level importable names this distribution provides (`yaml`, `_yaml`, `google.protobuf`). */
  topLevel: string[];
  installer: string | null;
  /** `Requires-Dist` lines from METADATA. */
  requiresDist: string[];
}

/** site-packages directories of a virtual environment (posix `lib/pythonX.Y`, Windows `Lib`). */
/** A distribution's `direct_url.json` (PEP 610): where it was installed from, and whether editable. */
export interface DirectUrl {
  url: string | null;
  editable: boolean;
}

/** Reads `<dist-info>/direct_url.json`; null when it is absent or not a JSON object. */
export function readDirectUrl(distInfo: string): DirectUrl | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(distInfo, "direct_url.json"), "utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const url = "url" in parsed && typeof parsed.url === "string" ? parsed.url : null;
  const dirInfo = "dir_info" in parsed ? parsed.dir_info : null;
  const editable =
    typeof dirInfo === "object" && dirInfo !== null && "editable" in dirInfo && dirInfo.editable === true;
  return { url, editable };
}

export function sitePackagesDirs(venv: string): string[] {
  const dirs: string[] = [];
  for (const lib of ["lib", "lib64"]) {
    const libDir = join(venv, lib);
    if (!existsSync(libDir)) continue;
    for (const entry of readdirSync(libDir).sort()) {
      const site = join(libDir, entry, "site-packages");
      if (entry.startsWith("python") && existsSync(site) && !dirs.includes(site)) dirs.push(site);
    }
  }
  const win = join(venv, "Lib", "site-packages");
  if (existsSync(win)) dirs.push(win);
  return dirs;
}

/** Every distribution installed in a site-packages directory, sorted by normalised name. */
export function readInstalledDistributions(sitePackages: string): InstalledDistribution[] {
  if (!existsSync(sitePackages)) return [];
  const result: InstalledDistribution[] = [];
  for (const entry of readdirSync(sitePackages).sort()) {
    if (!entry.endsWith(".dist-info")) continue;
    const dist = readDistInfo(join(sitePackages, entry));
    if (dist) result.push(dist);
  }
  return result.sort((a, b) => compareText(a.normalized, b.normalized));
}

export function readDistInfo(distInfo: string): InstalledDistribution | null {
  const metadataPath = join(distInfo, "METADATA");
  if (!existsSync(metadataPath)) return null;
  const headers = parseMetadataHeaders(readFileSync(metadataPath, "utf8"));
  const name = headers.get("name")?.[0];
  const version = headers.get("version")?.[0];
  if (!name || !version) return null;
  const record = readRecord(join(distInfo, "RECORD"));
  return {
    name,
    normalized: normalizeName(name),
    version,
    distInfo,
    record,
    topLevel: readTopLevel(distInfo, record),
    installer: readOptional(join(distInfo, "INSTALLER"))?.trim() || null,
    requiresDist: headers.get("requires-dist") ?? [],
  };
}

/** RFC 822-style headers of METADATA, up to the body; keys lower-cased, repeated keys kept in order. */
export function parseMetadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let lastKey: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break;
    if (/^[ \t]/.test(line) && lastKey) {
      const values = headers.get(lastKey)!;
      values[values.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    lastKey = line.slice(0, colon).trim().toLowerCase();
    const values = headers.get(lastKey) ?? [];
    values.push(line.slice(colon + 1).trim());
    headers.set(lastKey, values);
  }
  return headers;
}

function readRecord(path: string): InstalledDistribution["record"] {
  const text = readOptional(path);
  if (text === null) return [];
  const rows: InstalledDistribution["record"] = [];
  for (const line of text.split("\n")) {
    const row = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (!row) continue;
    // Quoted fields (paths with commas) are rare: only they pay for the full CSV parse.
    const fields = row.includes('"') ? parseCsvLine(row) : row.split(",");
    const [file = "", hash = "", size = ""] = fields;
    rows.push({ path: file, hash, size: size === "" ? null : Number(size) });
  }
  return rows;
}

/** RECORD is CSV; paths with commas are quoted. */
function parseCsvLine(line: string): string[] {
  const fields: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      fields.push(field);
      field = "";
    } else field += ch;
  }
  fields.push(field);
  return fields;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TOP_MODULE = /^([A-Za-z_][A-Za-z0-9_]*)(?:\.[^.]+)*\.(?:py|so|pyd|pyc)$/;
const SUB_MODULE = /^([A-Za-z_][A-Za-z0-9_]*)\.(?:py|so|pyd)/;
const INIT_FILE = /^__init__\.(?:py|pyi|so)$/;

/**
 * Import names: derived from RECORD paths — a top-level package directory, or a top-level module file —
 * else `top_level.txt` (setuptools writes it). Namespace packages without `__init__.py` (google/, azure/)
 * are reported at their second level (`google.protobuf`).
 */
function readTopLevel(distInfo: string, record: InstalledDistribution["record"]): string[] {
  const names = new Set<string>();
  const packageDirs = new Map<string, { hasInit: boolean; children: Set<string> }>();
  for (const { path } of record) {
    const slash = path.indexOf("/");
    const first = slash < 0 ? path : path.slice(0, slash);
    if (
      !first ||
      first === ".." ||
      first === "__pycache__" ||
      first.endsWith(".dist-info") ||
      first.endsWith(".data")
    )
      continue;
    if (slash < 0) {
      const module = TOP_MODULE.exec(first);
      if (module?.[1]) names.add(module[1]);
      continue;
    }
    if (!IDENTIFIER.test(first)) continue;
    let dir = packageDirs.get(first);
    if (!dir) {
      dir = { hasInit: false, children: new Set<string>() };
      packageDirs.set(first, dir);
    }
    // Only the second path part matters: a sub-package directory or a module file.
    const nextSlash = path.indexOf("/", slash + 1);
    const second = nextSlash < 0 ? path.slice(slash + 1) : path.slice(slash + 1, nextSlash);
    if (nextSlash < 0) {
      if (INIT_FILE.test(second)) dir.hasInit = true;
      else {
        const mod = SUB_MODULE.exec(second);
        if (mod?.[1]) dir.children.add(mod[1]);
      }
    } else if (second !== "__pycache__" && IDENTIFIER.test(second)) dir.children.add(second);
  }
  for (const [dir, info] of packageDirs) {
    if (info.hasInit || info.children.size === 0) names.add(dir);
    else for (const child of info.children) names.add(`${dir}.${child}`);
  }
  if (names.size === 0) {
    const topLevel = readOptional(join(distInfo, "top_level.txt"));
    for (const line of topLevel?.split(/\r?\n/) ?? []) {
      const name = line.trim().replace(/\//g, ".");
      if (name) names.add(name);
    }
  }
  return [...names].sort();
}

function readOptional(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
