/**
 * PEP 751 `pylock.toml`, as `uv pip compile --format pylock.toml` writes it: each package's name,
 * version, marker, and the file names of its wheels and sdist. dhtl reads it to learn which wheels a
 * resolution has for an interpreter, never to install from it.
 */
import { parseToml } from "./toml.js";
import { stringOrNull, type Table, tableOrNull, tablesIn } from "./toml-table.js";

export interface PylockPackage {
  name: string;
  version: string | null;
  marker: string | null;
  /** Wheel file names. */
  wheels: string[];
  hasSdist: boolean;
}

export function readPylock(text: string, file = "pylock.toml"): PylockPackage[] {
  const doc = parseToml(text, file);
  return tablesIn(doc.packages).flatMap((table) => {
    const name = stringOrNull(table.name);
    if (!name) return [];
    return [
      {
        name,
        version: stringOrNull(table.version),
        marker: stringOrNull(table.marker),
        wheels: tablesIn(table.wheels).flatMap((wheel) => fileName(wheel) ?? []),
        hasSdist: tableOrNull(table.sdist) !== null,
      },
    ];
  });
}

/** `name`, else the last segment of `url` or `path`. */
function fileName(table: Table): string | null {
  const named = stringOrNull(table.name);
  if (named) return named;
  const location = stringOrNull(table.url) ?? stringOrNull(table.path);
  if (!location) return null;
  const last = location.split(/[?#]/)[0]!.split("/").pop() ?? "";
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}
