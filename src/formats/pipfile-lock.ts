/**
 * Pipfile.lock (JSON), as installing it needs it: per category (`default`, `develop`, custom ones) each
 * locked package with its version, hashes, markers and extras, or the path/VCS location it comes from.
 */
import { DhtlError } from "../core/errors.js";
import { lineOf } from "../core/fs.js";
import { stringOrNull, stringsIn, tableOrNull } from "./toml-table.js";

export interface PipfileLockEntry {
  name: string;
  /** `1.22` (the lock writes `==1.22`); null for a path or VCS entry. */
  version: string | null;
  /** `sha256:…` */
  hashes: string[];
  markers: string | null;
  extras: string[];
  /** `path = "."` (the project itself) or another local directory; null otherwise. */
  path: string | null;
  editable: boolean;
  /** The VCS key present (`git`, `hg` …), for entries that are not index packages. */
  vcs: string | null;
}

export interface PipfileLock {
  /** `_meta.hash.sha256`: the Pipfile content the lock was made from. */
  pipfileHash: string | null;
  /** Category name (`default`, `develop`, …) → its entries, in the lock's order. */
  categories: Record<string, PipfileLockEntry[]>;
}

const VCS_KEYS = ["git", "hg", "svn", "bzr"] as const;

export function parsePipfileLock(text: string, file: string): PipfileLock {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    throw new DhtlError("badInput", `invalid JSON: ${message}`, {
      file,
      line: position ? lineOf(text, Number(position[1])) : undefined,
      hint: "Regenerate it with `pipenv lock`.",
    });
  }
  const root = tableOrNull(data);
  if (!root) throw new DhtlError("badInput", "not a Pipfile.lock: expected a JSON object", { file });
  const hash = tableOrNull(tableOrNull(root._meta)?.hash)?.sha256;
  const categories: Record<string, PipfileLockEntry[]> = {};
  for (const [category, entries] of Object.entries(root)) {
    if (category === "_meta") continue;
    categories[category] = Object.entries(tableOrNull(entries) ?? {}).map(([name, value]) => {
      const pin = tableOrNull(value) ?? {};
      const version = stringOrNull(pin.version);
      return {
        name,
        version: version ? version.replace(/^===?/, "") : null,
        hashes: stringsIn(pin.hashes),
        markers: stringOrNull(pin.markers),
        extras: stringsIn(pin.extras),
        path: stringOrNull(pin.path) ?? stringOrNull(pin.file),
        editable: pin.editable === true,
        vcs: VCS_KEYS.find((key) => typeof pin[key] === "string") ?? null,
      };
    });
  }
  return { pipfileHash: typeof hash === "string" ? hash : null, categories };
}
