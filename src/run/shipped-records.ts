/**
 * Wheels whose RECORD lists wrong hashes for files they ship. debugpy 1.6.5's `py2.py3-none-any` wheel
 * (ipykernel's dependency in every notebook environment resolved as of early 2023) lists hashes for eight
 * Windows binaries that do not match the binaries in the same wheel. Installers copy RECORD as it is, so
 * the pre-swap check (python/env-integrity.ts) sees eight "modified" files in a perfectly fresh install and
 * would refuse it as a damaged uv cache.
 *
 * A damaged cache and a wrong RECORD look the same from inside the environment; the wheel tells them
 * apart. For each distribution with such files, the same version is installed once more, downloaded afresh
 * (`--no-cache`), into a scratch directory: when every such file there is byte for byte the file in the
 * new environment, the wheel ships it that way, and its RECORD rows are corrected to the files' real
 * hashes — what validate-env and the environment checksum then read, identically on every machine. When
 * any file differs, or the download fails, nothing is corrected and the pre-swap check refuses as before.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeProjectFile } from "../core/safe-path.js";
import type { DistributionRecord } from "../python/dist-records.js";
import { readDistributionRecords } from "../python/dist-records.js";
import { findModifiedRows, type ModifiedRow, sha256OfFile } from "../python/record-hashes.js";
import { environmentPython } from "../python/venv-info.js";
import { type BuildTarget, uvEnvironment } from "./install.js";

/** More distributions than this with wrong files is a damaged cache, not a few bad wheels: not downloaded. */
const MAX_DISTRIBUTIONS = 3;

const SAFE_NAME = /^[a-z0-9](?:[a-z0-9._-]*[a-z0-9])?$/;
const SAFE_VERSION = /^[A-Za-z0-9][A-Za-z0-9.+!_-]*$/;

/** Index options a requirements lock carries, which the fresh download must use too. */
const INDEX_OPTION = /^\s*(--index-url|--extra-index-url|--find-links|--no-index|-i|-f)\b/;

/** What the re-hash found: one note per corrected distribution, and the files still modified after it. */
export interface RecordCheck {
  notes: string[];
  modified: string[];
}

/**
 * Re-hashes every installed file against its RECORD and corrects the rows of wheels that ship files unlike
 * their RECORD (see above) in the environment `target.envPath`. `lockText`: the requirements lock the
 * environment was installed from, for its index options (null for uv.lock: uv's configuration applies).
 */
export async function correctShippedRecords(
  target: BuildTarget,
  lockText: string | null,
): Promise<RecordCheck> {
  const rows = findModifiedRows(readDistributionRecords(target.envPath));
  const unchanged: RecordCheck = { notes: [], modified: rows.map((row) => row.path) };
  if (rows.length === 0) return unchanged;
  const byOwner = new Map<DistributionRecord, ModifiedRow[]>();
  for (const row of rows) {
    // A file two distributions claim, one gone, or one outside site-packages: not a wheel's own mistake.
    const [owner] = row.owners;
    if (
      row.owners.length !== 1 ||
      !owner ||
      owner.editable ||
      row.sha256 === null ||
      row.path.startsWith("../")
    )
      return unchanged;
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), row]);
  }
  if (byOwner.size > MAX_DISTRIBUTIONS) return unchanged;
  // Name and version come from installed METADATA: only a plain `name==version` reaches uv.
  for (const owner of byOwner.keys())
    if (!SAFE_NAME.test(owner.name) || !SAFE_VERSION.test(owner.version)) return unchanged;
  const indexOptions = (lockText ?? "").split("\n").filter((line) => INDEX_OPTION.test(line));
  const confirmed: [DistributionRecord, ModifiedRow[]][] = [];
  for (const [owner, wrong] of byOwner) {
    if (!(await shippedAsInstalled(target, owner, wrong, indexOptions))) return unchanged;
    confirmed.push([owner, wrong]);
  }
  const notes = confirmed.map(([owner, wrong]) => {
    rewriteRecord(target.root, owner, wrong);
    const shown = wrong.length === 1 ? wrong[0]?.path : `${wrong.length} files`;
    return `${owner.name} ${owner.version}'s wheel lists wrong hashes for ${shown} in its RECORD; the files are as a fresh download of the wheel ships them, so RECORD now lists their real hashes`;
  });
  return { notes, modified: [] };
}

/** True when a fresh download of `owner`'s version has every `wrong` file exactly as the environment has it. */
async function shippedAsInstalled(
  target: BuildTarget,
  owner: DistributionRecord,
  wrong: ModifiedRow[],
  indexOptions: string[],
): Promise<boolean> {
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-wheel-check-"));
  try {
    const requirements = join(scratch, "requirements.txt");
    writeFileSync(requirements, [...indexOptions, `${owner.name}==${owner.version}`, ""].join("\n"));
    await target.uv(
      [
        "pip",
        "install",
        "--no-deps",
        "--no-cache",
        "--no-build",
        "--quiet",
        "--python",
        environmentPython(target.envPath),
        "--target",
        join(scratch, "site"),
        "-r",
        requirements,
      ],
      { cwd: target.root, env: uvEnvironment() },
    );
    return wrong.every((row) => sha256OfFile(join(scratch, "site", row.path))?.equals(row.sha256 as Buffer));
  } catch {
    return false;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Replaces the hash of each `wrong` row in the environment's copy of `owner`'s RECORD (a new file, never the cache's). */
function rewriteRecord(root: string, owner: DistributionRecord, wrong: ModifiedRow[]): void {
  // `path,hash,` as RECORD starts each row (CSV: a path with a comma or quote is quoted) → the row's new start.
  const starts = new Map<string, string>();
  for (const row of wrong) {
    const listed = owner.record.find((r) => r.path === row.path);
    if (!listed || !row.sha256) continue;
    const path = /[",]/.test(row.path) ? `"${row.path.replace(/"/g, '""')}"` : row.path;
    starts.set(`${path},${listed.hash},`, `${path},sha256=${row.sha256.toString("base64url")},`);
  }
  const file = join(owner.distInfo, "RECORD");
  const lines = readFileSync(file, "utf8").split("\n");
  const rewritten = lines.map((line) => {
    for (const [start, replacement] of starts)
      if (line.startsWith(start)) return replacement + line.slice(start.length);
    return line;
  });
  writeProjectFile(root, file, rewritten.join("\n"));
}
