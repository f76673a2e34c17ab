/**
 * Carries out a migration plan: copies the files it will touch to `.dhtl/migrate-backup/<n>/` (the way
 * back), writes each file atomically, locks with uv keeping the old versions, and removes the old files
 * only when asked. Any failure puts every touched file back as it was.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DhtlError, isDhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { copyProjectFile, removeProjectPath, writeProjectFile } from "../core/safe-path.js";
import { collectProject } from "../facts/collect.js";
import { collectMigrationInput } from "../facts/migration/collect.js";
import { SOURCE_KINDS, type SourceKind } from "../facts/migration/types.js";
import { parseAsOf } from "../plan/as-of.js";
import { directNames, pinsWorthKeeping, planMigration } from "../plan/migrate/plan.js";
import type { BuildToolsAsOf, MigrationPlan } from "../plan/migrate/types.js";
import { FileBackup } from "../run/file-backup.js";
import type { VersionChange } from "../run/migrate-lock.js";
import { type LockOutcome, lockKeepingVersions } from "../run/migrate-lock.js";
import { acquireProjectLock } from "../run/project-lock.js";
import { ensureUv } from "../run/uv.js";
import {
  chooseMigrationPython,
  migrationResolution,
  oldBuildTools,
  pinKey,
  pythonLimitsOfPins,
} from "./migrate-choices.js";
import { firstLine } from "./resolution.js";

export interface MigrationResult {
  written: string[];
  removed: string[];
  /** Where the previous files were copied, root-relative, or null when nothing existed before. */
  backupDir: string | null;
  /** Old-lock versions that the new uv.lock changed (new null: no longer in the lock). */
  changedVersions: VersionChange[];
  keptVersions: number;
  /** Old pins uv could not honour together: "transitive" ones (kept the direct ones) or "all". */
  pinsDropped: "none" | "transitive" | "all";
  /** The `--exclude-newer` time uv.lock was resolved as of (recorded in its options), or null. */
  asOf: string | null;
  /** Why the automatic as-of date was given up for today's releases (uv could not lock as of it), or null. */
  asOfFailed: string | null;
  /** Old pins kept only on the Pythons their wheels serve (`pyyaml 3.12: python_version < "3.7"`). */
  pinsLimited: string[];
  /** The plan written instead of the one shown: the old lock's sdists failed to build with today's build
   *  tools, so it was planned again with the tools of its time (BuildToolsAsOf); null when not. */
  replanned: { plan: MigrationPlan; because: string } | null;
}

export interface MigrationOptions {
  path: string;
  /** `--from`: the source format, instead of detecting it. */
  from?: string;
  /** `--as-of DATE|commit|none`; undefined: decide (plan/as-of.ts). */
  asOf?: string;
}

/**
 * Reads the project (read-only) and plans its migration; `--from` must name a known source. Where nothing
 * names a Python, the plan pins the one `dhtl setup` chooses; where nothing pins the versions of a project
 * dormant for over a year, the lock resolves as of its last change (as setup does).
 */
export async function planProjectMigration(
  options: MigrationOptions,
  out: Output,
  buildTools?: BuildToolsAsOf,
): Promise<{ root: string; plan: MigrationPlan }> {
  const request = options.asOf === undefined ? undefined : parseAsOf(options.asOf);
  const { from } = options;
  if (from !== undefined && !isSourceKind(from)) {
    throw new DhtlError("badInput", `--from ${from}: expected one of ${SOURCE_KINDS.join(", ")}`);
  }
  const { root, input } = collectMigrationInput(resolve(options.path), from);
  // A manifest that does not parse is named with its error, never taken for "no manifest" (a dry run too).
  const broken = input.manifests
    .flatMap((manifest) => manifest.diagnostics)
    .find((d) => d.severity === "error");
  if (broken) {
    throw new DhtlError("badInput", broken.message, {
      file: broken.file,
      line: broken.line ?? undefined,
      hint: "fix the manifest (see `dhtl analyze`), then run migrate again",
    });
  }
  const first = planMigration(input);
  const facts = collectProject(root);
  const chosen = first.pythonUnstated ? await chooseMigrationPython(facts, out) : null;
  const plan = chosen || buildTools ? planMigration(input, { python: chosen, buildTools }) : first;
  const pinned = plan.changes.find((c) => c.path === ".python-version")?.after.trim() ?? null;
  const asOf = await migrationResolution(facts, plan, request, chosen?.minor ?? pinned);
  if (!asOf) return { root, plan };
  return {
    root,
    plan: {
      ...plan,
      asOf,
      notes: [...plan.notes, `uv lock resolves as of ${asOf.excludeNewer}: ${asOf.reason}`],
    },
  };
}

/**
 * Writes the planned files and locks with uv keeping the old lock's versions. When an sdist the old lock
 * pins no longer builds with today's build tools and that lock last changed over a year ago, `replan` makes
 * the plan again with the build tools of its time (the interpreter they run on pinned), which is written.
 */
export async function applyProjectMigration(
  root: string,
  plan: MigrationPlan,
  options: { removeOld: boolean; replan?: (buildTools: BuildToolsAsOf) => Promise<MigrationPlan> },
  out: Output,
): Promise<MigrationResult> {
  const uv = await ensureUv({ out });
  const apply = async (planned: MigrationPlan) => {
    const done = out.step(
      `uv lock (keeping the old lock's versions${planned.asOf ? `, as of ${planned.asOf.excludeNewer}` : ""})`,
    );
    const pinLimits = await pythonLimitsOfPins(pinsWorthKeeping(planned.oldLock, planned.project), out);
    const result = await applyMigration(root, planned, {
      uv: uv.path,
      removeOld: options.removeOld,
      pinLimits,
    });
    done(`${result.keptVersions} kept, ${result.changedVersions.length} changed`);
    return result;
  };
  try {
    return await apply(plan);
  } catch (error) {
    // runUv's message for uv's "Failed to build `…`" (explainUvFailure), with uv's last lines after it.
    const failed = isDhtlError(error) ? /^failed to build \S+/.exec(error.message) : null;
    if (!failed || !options.replan || plan.project.excludeNewerPackage) throw error;
    const buildTools = await oldBuildTools(root, plan, out);
    if (!buildTools) throw error;
    out.warn(
      `${failed[0]} with today's build tools: planning again with those of ${buildTools.why} (setuptools as of ${buildTools.packages.setuptools?.slice(0, 10)}, on Python ${buildTools.python})`,
    );
    const replanned = await options.replan(buildTools);
    return { ...(await apply(replanned)), replanned: { plan: replanned, because: failed[0] } };
  }
}

function isSourceKind(value: string): value is SourceKind {
  return SOURCE_KINDS.some((kind) => kind === value);
}

export const BACKUP_ROOT = ".dhtl/migrate-backup";

export interface ApplyOptions {
  /** Path of the uv executable; null writes the files without locking. */
  uv: string | null;
  removeOld: boolean;
  /** Markers that keep old pins to the Pythons their wheels serve, by `pinKey` (migrate-choices.ts). */
  pinLimits?: Map<string, string>;
  env?: NodeJS.ProcessEnv;
}

export async function applyMigration(
  root: string,
  plan: MigrationPlan,
  options: ApplyOptions,
): Promise<MigrationResult> {
  for (const change of plan.changes) {
    const path = join(root, change.path);
    const now = existsSync(path) ? readFileSync(path, "utf8") : null;
    if (now !== change.before) {
      throw new DhtlError("refused", "changed since the plan was made; nothing written", {
        file: change.path,
        hint: "Run `dhtl migrate` again.",
      });
    }
  }
  const projectLock = await acquireProjectLock(root);
  try {
    return await applyLocked(root, plan, options);
  } finally {
    projectLock.release();
  }
}

async function applyLocked(
  root: string,
  plan: MigrationPlan,
  options: ApplyOptions,
): Promise<MigrationResult> {
  const touched = [...plan.changes.map((c) => c.path), "uv.lock"];
  const removed = options.removeOld ? plan.oldFiles.filter((f) => existsSync(join(root, f))) : [];
  const backupDir = copyToBackup(root, [...touched, ...removed]);

  const undo = new FileBackup(root);
  for (const path of touched) undo.remember(path);
  try {
    for (const change of plan.changes) {
      if (change.path !== "pyproject.toml") writeProjectFile(root, change.path, change.after);
    }
    const pyproject =
      plan.changes.find((c) => c.path === "pyproject.toml")?.after ??
      readFileSync(join(root, "pyproject.toml"), "utf8");
    let outcome: LockOutcome = { pinsDropped: "none", changed: [], kept: 0 };
    let asOf = plan.asOf?.excludeNewer ?? null;
    let asOfFailed: string | null = null;
    const limits = options.pinLimits ?? new Map<string, string>();
    const keep = pinsWorthKeeping(plan.oldLock, plan.project).map((pin) => {
      const limit = limits.get(pinKey(pin));
      return limit ? { ...pin, marker: pin.marker ? `(${pin.marker}) and ${limit}` : limit } : pin;
    });
    const pinsLimited = keep
      .filter((pin) => limits.has(pinKey(pin)))
      .map((pin) => `${pin.name} ${pin.version} (${limits.get(pinKey(pin))})`);
    if (options.uv) {
      const uv = options.uv;
      const lock = (excludeNewer: string | null) =>
        lockKeepingVersions({
          root,
          uv,
          pyproject,
          oldLock: plan.oldLock,
          keep,
          ...(pinsLimited.length > 0 ? { unlimited: pinsWorthKeeping(plan.oldLock, plan.project) } : {}),
          direct: directNames(plan.project),
          excludeNewer,
          env: options.env,
        });
      try {
        outcome = await lock(asOf);
      } catch (error) {
        // The date was dhtl's guess, not the user's: a lock that fails as of it is tried with today's releases.
        if (!(asOf && plan.asOf?.automatic && isDhtlError(error) && error.code === "toolFailed")) throw error;
        asOfFailed = firstLine(error.message);
        asOf = null;
        outcome = await lock(null);
      }
    } else {
      writeProjectFile(root, "pyproject.toml", pyproject);
    }
    for (const file of removed) removeProjectPath(root, file);
    // Done: the journal must not outlive the run, or the next setup would "restore" the old files.
    undo.commit();
    return {
      written: [...plan.changes.map((c) => c.path), ...(options.uv ? ["uv.lock"] : [])],
      removed,
      backupDir,
      changedVersions: outcome.changed,
      keptVersions: outcome.kept,
      pinsDropped: outcome.pinsDropped,
      asOf: options.uv ? asOf : null,
      asOfFailed,
      pinsLimited: options.uv && !outcome.limitsDropped ? pinsLimited : [],
      replanned: null,
    };
  } catch (error) {
    undo.restore();
    throw error;
  }
}

/** Copies the existing files among `paths` to the next free `.dhtl/migrate-backup/<n>/`; null when none exist. */
function copyToBackup(root: string, paths: string[]): string | null {
  const existing = [...new Set(paths)].filter((p) => existsSync(join(root, p)));
  if (existing.length === 0) return null;
  const base = join(root, BACKUP_ROOT);
  const taken = existsSync(base)
    ? readdirSync(base)
        .map(Number)
        .filter((n) => Number.isInteger(n))
    : [];
  const relDir = `${BACKUP_ROOT}/${taken.length ? Math.max(...taken) + 1 : 1}`;
  for (const path of existing) copyProjectFile(root, path, `${relDir}/${path}`);
  // Local undo copies, credentials and all: never committed by a `git add -A`.
  if (!existsSync(join(base, ".gitignore")))
    writeProjectFile(
      root,
      `${BACKUP_ROOT}/.gitignore`,
      "# Copies of files before `dhtl migrate`: local only.\n*\n",
    );
  return relDir;
}
