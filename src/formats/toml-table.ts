/**
 * Walking parsed TOML (and JSON) documents: a table is a plain object, never an array or a TOML date
 * (smol-toml gives dates as `Date` objects, which are objects too). Each accessor checks the value's
 * shape and answers null (or an empty list) for anything else, so a document is read without casts.
 */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The value at `path` (`["tool", "uv"]`), or undefined when any step on the way is missing or not a table. */
export function valueAt(root: Table, path: string[]): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (!isTable(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** The table at `path`, or null when any step is missing or not a table. */
export function tableAt(root: Table, path: string[]): Table | null {
  return tableOrNull(valueAt(root, path));
}

export function tableOrNull(value: unknown): Table | null {
  return isTable(value) ? value : null;
}

/** The tables of an array of tables (`[[package]]`); other entries are skipped. */
export function tablesIn(value: unknown): Table[] {
  return Array.isArray(value) ? value.filter(isTable) : [];
}

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** The strings of an array (other entries skipped); a lone string counts as a list of one. */
export function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
