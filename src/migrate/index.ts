/**
 * `dhtl migrate`: any Python project (pip, Poetry, Pipenv, conda, setuptools) to a PEP 621 pyproject.toml
 * plus uv.lock. collect.ts reads, plan.ts decides (pure), apply.ts writes and locks.
 */
export { type ApplyOptions, applyMigration, BACKUP_ROOT } from "./apply.js";
export { type CollectedMigration, collectMigrationInput } from "./collect.js";
export { detectSource } from "./detect.js";
export { planMigration, selectManifests } from "./plan.js";
export type * from "./types.js";
export { SOURCE_KINDS } from "./types.js";
