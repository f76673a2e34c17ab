/**
 * Walking parsed TOML (and JSON) documents: a table is a plain object, never an array or a TOML date
 * (smol-toml gives dates as `Date` objects, which are objects too).
 */

export type Table = Record<string, unknown>;

export function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** The table at `path` (`["tool", "uv"]`), or null when any step is missing or not a table. */
export function tableAt(root: Table, path: string[]): Table | null {
  let node: unknown = root;
  for (const key of path) {
    if (!isTable(node)) return null;
    node = node[key];
  }
  return isTable(node) ? node : null;
}
