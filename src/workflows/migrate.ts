/**
 * Carries out a migration plan: copies the files it will touch to `.dhtl/migrate-backup/<n>/` (the way
 * back), writes each file atomically, locks with uv keeping the old versions, and removes the old files
 * only when asked. Any failure puts every touched file back as it was.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";
import { writeFileAtomic } from "../core/fs.js";
import type { Output } from "../core/output.js";
import { collectMigrationInput } from "../facts/migration/collect.js";
import { SOURCE_KINDS, type SourceKind } from "../facts/migration/types.js";
import { directNames, pinsWorthKeeping, planMigration } from "../plan/migrate/plan.js";
import type { MigrationPlan } from "../plan/migrate/types.js";
import { FileBackup } from "../run/file-backup.js";
import type { VersionChange } from "../run/migrate-lock.js";
import { type LockOutcome, lockKeepingVersions } from "../run/migrate-lock.js";
import { acquireProjectLock } from "../run/project-lock.js";
import { ensureUv } from "../run/uv.js";

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
}

export interface MigrationOptions {
  path: string;
  /** `--from`: the source format, instead of detecting it. */
  from?: string;
}

/** Reads the project (read-only) and plans its migration; `--from` must name a known source. */
export function planProjectMigration(options: MigrationOptions): { root: string; plan: MigrationPlan } {
  const { from } = options;
  if (from !== undefined && !isSourceKind(from)) {
    throw new DhtlError("badInput", `--from ${from}: expected one of ${SOURCE_KINDS.join(", ")}`);
  }
  const { root, input } = collectMigrationInput(resolve(options.path), from);
  return { root, plan: planMigration(input) };
}

/** Writes the planned files and locks with uv keeping the old lock's versions. */
export async function applyProjectMigration(
  root: string,
  plan: MigrationPlan,
  options: { removeOld: boolean },
  out: Output,
): Promise<MigrationResult> {
  const uv = await ensureUv({ out });
  const done = out.step("uv lock (keeping the old lock's versions)");
  const result = await applyMigration(root, plan, { uv: uv.path, removeOld: options.removeOld });
  done(`${result.keptVersions} kept, ${result.changedVersions.length} changed`);
  return result;
}

function isSourceKind(value: string): value is SourceKind {
  return SOURCE_KINDS.some((kind) => kind === value);
}

export const BACKUP_ROOT = ".dhtl/migrate-backup";

export interface ApplyOptions {
  /** Path of the uv executable; null writes the files without locking. */
  uv: string | null;
  removeOld: boolean;
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
  mkdirSync(join(root, ".dhtl"), { recursive: true });
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
      if (change.path !== "pyproject.toml") writeFileAtomic(join(root, change.path), change.after);
    }
    const pyproject =
      plan.changes.find((c) => c.path === "pyproject.toml")?.after ??
      readFileSync(join(root, "pyproject.toml"), "utf8");
    let outcome: LockOutcome = { pinsDropped: "none", changed: [], kept: 0 };
    if (options.uv) {
      const keep = pinsWorthKeeping(plan.oldLock, plan.project);
      outcome = await lockKeepingVersions({
        root,
        uv: options.uv,
        pyproject,
        oldLock: plan.oldLock,
        keep,
        direct: directNames(plan.project),
        env: options.env,
      });
    } else {
      writeFileAtomic(join(root, "pyproject.toml"), pyproject);
    }
    for (const file of removed) rmSync(join(root, file), { force: true });
    return {
      written: [...plan.changes.map((c) => c.path), ...(options.uv ? ["uv.lock"] : [])],
      removed,
      backupDir,
      changedVersions: outcome.changed,
      keptVersions: outcome.kept,
      pinsDropped: outcome.pinsDropped,
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
  for (const path of existing) {
    const target = join(root, relDir, path);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, path), target);
  }
  return relDir;
}
