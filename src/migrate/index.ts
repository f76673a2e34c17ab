/**
 * `dhtl migrate`: any Python project (pip, Poetry, Pipenv, conda, setuptools) to a PEP 621 pyproject.toml
 * plus uv.lock. collect.ts reads, plan.ts decides (pure), apply.ts writes and locks.
 */

export { type CollectedMigration, collectMigrationInput } from "../facts/migration/collect.js";
export { detectSource } from "../plan/migrate/detect.js";
export { planMigration, selectManifests } from "../plan/migrate/plan.js";
export type * from "../plan/migrate/types.js";
export { SOURCE_KINDS } from "../plan/migrate/types.js";
export { type ApplyOptions, applyMigration, BACKUP_ROOT } from "../workflows/migrate.js";
