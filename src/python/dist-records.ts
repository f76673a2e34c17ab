import { closeSync, openSync, readdirSync, readFileSync, readSync } from "node:fs";
import { join } from "node:path";
import { normalizeName } from "../pep/names.js";
import { parseMetadataHeaders, readDirectUrl } from "./dist-info.js";
import { uniqueSitePackages } from "./venv-info.js";

/** What the checksum and full validation need of one installed distribution, and nothing more. */
export interface DistributionRecord {
  /** PEP 503-normalised name. */
  name: string;
  version: string;
  /** Absolute `.dist-info` directory. */
  distInfo: string;
  /** RECORD rows: path relative to site-packages and `sha256=…` (or "" for unhashed rows). */
  record: { path: string; hash: string }[];
  /** PEP 610 `direct_url.json` says `editable`. */
  editable: boolean;
}

/**
 * Every distribution of every site-packages directory, sorted by name. Leaner than
 * python/dist-info.ts on purpose: the checksum runs on every validation, so it reads only the head of
 * METADATA (Name and Version come first) and splits RECORD rows without a general CSV parser.
 */
export function readDistributionRecords(venv: string): DistributionRecord[] {
  const head = Buffer.allocUnsafe(16 * 1024);
  const result: DistributionRecord[] = [];
  for (const site of uniqueSitePackages(venv)) {
    for (const entry of readdirSync(site)) {
      if (!entry.endsWith(".dist-info")) continue;
      const distInfo = join(site, entry);
      const meta = readNameAndVersion(join(distInfo, "METADATA"), head);
      if (!meta) continue;
      const record = readRecordRows(join(distInfo, "RECORD"));
      const listsDirectUrl = record.some((row) => row.path.endsWith(".dist-info/direct_url.json"));
      result.push({
        name: normalizeName(meta.name),
        version: meta.version,
        distInfo,
        record,
        editable: listsDirectUrl && readDirectUrl(distInfo)?.editable === true,
      });
    }
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function readNameAndVersion(path: string, buffer: Buffer): { name: string; version: string } | null {
  let text: string;
  try {
    const fd = openSync(path, "r");
    try {
      text = buffer.toString("utf8", 0, readSync(fd, buffer, 0, buffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  let headers = parseMetadataHeaders(text);
  // Name and Version normally open the file; a pathological header block gets the full read.
  if ((!headers.get("name") || !headers.get("version")) && text.length >= buffer.length - 4) {
    headers = parseMetadataHeaders(readFileSync(path, "utf8"));
  }
  const name = headers.get("name")?.[0];
  const version = headers.get("version")?.[0];
  return name && version ? { name, version } : null;
}

function readRecordRows(path: string): DistributionRecord["record"] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return [];
  }
  const rows: DistributionRecord["record"] = [];
  for (const line of text.split("\n")) {
    const row = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (!row) continue;
    if (row.startsWith('"')) {
      const parsed = parseQuotedRow(row);
      if (parsed) rows.push(parsed);
      continue;
    }
    // path,hash,size — the path is the only field that can hold a comma, and then it is quoted.
    const last = row.lastIndexOf(",");
    const middle = last > 0 ? row.lastIndexOf(",", last - 1) : -1;
    if (middle < 0) rows.push({ path: row, hash: "" });
    else rows.push({ path: row.slice(0, middle), hash: row.slice(middle + 1, last) });
  }
  return rows;
}

/** `"path, with comma",sha256=…,123` — quotes doubled inside. */
function parseQuotedRow(row: string): { path: string; hash: string } | null {
  let path = "";
  let i = 1;
  for (; i < row.length; i++) {
    if (row[i] === '"') {
      if (row[i + 1] === '"') {
        path += '"';
        i++;
      } else break;
    } else path += row[i];
  }
  const rest = row.slice(i + 2).split(",");
  return { path, hash: rest[0] ?? "" };
}
