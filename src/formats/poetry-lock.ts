/**
 * poetry.lock, and pdm.lock, which keeps the same `[[package]]` tables: the name, version and source type
 * of every locked package. (uv.lock has its own reader, uv-lock.ts.)
 */
import { parseToml } from "./toml.js";
import { stringOrNull, tableOrNull, tablesIn } from "./toml-table.js";

/** Lock files written in TOML with `[[package]] name/version` entries. */
export const TOML_LOCK_FILES = ["poetry.lock", "pdm.lock"] as const;

export interface TomlLockedPackage {
  name: string;
  version: string;
  /** `[package.source] type` (`git`, `directory`, `url` …); null for a package from an index. */
  sourceType: string | null;
}

export function readPoetryLock(text: string, file: string): TomlLockedPackage[] {
  const doc = parseToml(
    text,
    file,
    "Regenerate the lock file with the tool that wrote it, or delete it to migrate without it.",
  );
  const out: TomlLockedPackage[] = [];
  for (const entry of tablesIn(doc.package)) {
    const name = stringOrNull(entry.name);
    const version = stringOrNull(entry.version);
    if (name === null || version === null) continue;
    out.push({ name, version, sourceType: stringOrNull(tableOrNull(entry.source)?.type) });
  }
  return out;
}
