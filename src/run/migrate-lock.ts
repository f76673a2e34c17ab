/**
 * Locks the migrated project with real uv while keeping the old lock's versions: the first `uv lock` runs
 * with every old pin added as a temporary `[tool.uv] constraint-dependencies` entry, then the final
 * pyproject.toml (without them) is locked again, and uv keeps what uv.lock already holds wherever it still
 * fits. When the old pins cannot all hold together, uv resolves without them and the report says so.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compareText } from "../core/compare.js";
import { isDhtlError } from "../core/errors.js";
import { checkedProjectPath, writeProjectFile } from "../core/safe-path.js";
import type { OldLockedVersion } from "../facts/migration/types.js";
import { parseToml } from "../formats/toml.js";
import { appendBlock, patchToml } from "../formats/toml-edit.js";
import { tableAt, valueAt } from "../formats/toml-table.js";
import { readUvLock } from "../formats/uv-lock.js";
import { normalizeVersion } from "../pep/pep440.js";
import { explainUvFailure, runUv } from "./uv.js";
import { isolatedUvEnvironment } from "./uv-environment.js";

/** An old-lock version the new uv.lock changed (`new` null: no longer in the lock). */
export interface VersionChange {
  name: string;
  old: string;
  new: string | null;
}

export interface LockRequest {
  root: string;
  uv: string;
  /** The final pyproject.toml text. */
  pyproject: string;
  /** Every version the old lock had (for the report). */
  oldLock: OldLockedVersion[];
  /** The old pins worth trying to keep (those the new requirements still allow). */
  keep: OldLockedVersion[];
  /** `keep` without the markers that hold pins to the Pythons their wheels serve: tried next when no
   *  version installs on the newer Pythons (the pin then builds from source there, as before). */
  unlimited?: OldLockedVersion[];
  /** Normalised names of the project's direct dependencies (all lists). */
  direct: Set<string>;
  /** `uv lock --exclude-newer` (RFC 3339): resolve as of that time; uv records it in uv.lock's options. */
  excludeNewer?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** Which old pins uv could not honour: none, those of indirect dependencies, or all of them. */
export type PinsDropped = "none" | "transitive" | "all";

export interface LockOutcome {
  pinsDropped: PinsDropped;
  /** The Python limits of `keep` had to go (the `unlimited` pins locked). */
  limitsDropped?: boolean;
  changed: VersionChange[];
  kept: number;
}

/**
 * Tries the old pins in tiers: all of them, then only those of direct dependencies (an indirect pin is the
 * usual casualty of a changed constraint), then none; the final lock without temporary pins keeps whatever
 * the successful tier locked.
 */
export async function lockKeepingVersions(request: LockRequest): Promise<LockOutcome> {
  const { root, uv } = request;
  // Never the project's own `.venv/bin/python`: a checkout may have planted it (see uv-environment.ts).
  const env = isolatedUvEnvironment({}, request.env ?? process.env);
  const lock = request.excludeNewer ? ["lock", "--exclude-newer", request.excludeNewer] : ["lock"];
  const directOnly = request.keep.filter((pin) => request.direct.has(pin.name));
  const tiers: { pins: OldLockedVersion[]; dropped: PinsDropped }[] = [
    { pins: request.keep, dropped: "none" },
    ...(request.unlimited ? [{ pins: request.unlimited, dropped: "none" as const }] : []),
    ...(directOnly.length > 0 && directOnly.length < request.keep.length
      ? [{ pins: directOnly, dropped: "transitive" as const }]
      : []),
  ];
  let pinsDropped: PinsDropped = request.keep.length > 0 ? "all" : "none";
  let limitsDropped = false;
  for (const tier of request.keep.length > 0 ? tiers : []) {
    writeProjectFile(root, "pyproject.toml", withTemporaryPins(request.pyproject, tier.pins));
    try {
      await runUv(uv, lock, { cwd: root, env, timeoutMs: 600_000 });
      pinsDropped = tier.dropped;
      limitsDropped = tier.pins !== request.keep;
      break;
    } catch (error) {
      if (!isDhtlError(error) || !isNoSolution(error.message)) throw error;
    }
  }
  writeProjectFile(root, "pyproject.toml", request.pyproject);
  checkedProjectPath(root, "uv.lock");
  await runUv(uv, lock, { cwd: root, env, timeoutMs: 600_000 });
  const locked = readUvLockVersions(readFileSync(join(root, "uv.lock"), "utf8"));
  return { pinsDropped, limitsDropped, ...compareVersions(request.oldLock, locked) };
}

/**
 * The pyproject text with `name==version` for each pin appended to `[tool.uv] constraint-dependencies`; a
 * marker-split pin keeps its marker (`filelock==3.19.1; python_version == "3.9"`), so uv forks as Poetry did.
 */
export function withTemporaryPins(pyproject: string, pins: OldLockedVersion[]): string {
  const lines = pins.map((p) => `${p.name}==${p.version}${p.marker ? `; ${p.marker}` : ""}`);
  const doc = parseToml(pyproject, "pyproject.toml");
  if (valueAt(doc, ["tool", "uv"]) === undefined) {
    return appendBlock(pyproject, `[tool.uv]\nconstraint-dependencies = ${JSON.stringify(lines)}\n`);
  }
  return patchToml(pyproject, (patched) => {
    const uvTable = tableAt(patched, ["tool", "uv"]);
    if (!uvTable) return;
    const existing = Array.isArray(uvTable["constraint-dependencies"])
      ? uvTable["constraint-dependencies"]
      : [];
    uvTable["constraint-dependencies"] = [...existing, ...lines];
  });
}

/** Old pins against the new lock: every version that moved or disappeared. */
export function compareVersions(
  oldLock: OldLockedVersion[],
  locked: Map<string, string[]>,
): { changed: VersionChange[]; kept: number } {
  const changed: VersionChange[] = [];
  let kept = 0;
  for (const pin of oldLock) {
    const now = locked.get(pin.name) ?? [];
    if (now.some((version) => sameVersion(version, pin.version))) kept++;
    else changed.push({ name: pin.name, old: pin.version, new: now.join(", ") || null });
  }
  changed.sort((a, b) => compareText(a.name, b.name));
  return { changed, kept };
}

/** runUv's message names an unsatisfiable resolution in its own words and quotes uv's. */
function isNoSolution(message: string): boolean {
  return (
    explainUvFailure(message)?.kind === "noSolution" ||
    /cannot be satisfied together|unsatisfiable/.test(message)
  );
}

function sameVersion(a: string, b: string): boolean {
  return (normalizeVersion(a) ?? a) === (normalizeVersion(b) ?? b);
}

/** Versions uv.lock resolved from a package index (the project itself and git/path packages left out); a name
 *  forked by markers has several. */
function readUvLockVersions(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pkg of readUvLock(text).packages) {
    if (pkg.version !== null && pkg.source?.kind === "registry")
      out.set(pkg.normalized, [...(out.get(pkg.normalized) ?? []), pkg.version]);
  }
  return out;
}

/** `uv lock` of the project as it is now (after `standardize` added to a group, for one). */
export async function lockProject(
  root: string,
  uv: string,
  base: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  checkedProjectPath(root, "uv.lock");
  await runUv(uv, ["lock"], { cwd: root, env: isolatedUvEnvironment({}, base), timeoutMs: 600_000 });
}
