/**
 * The Python a migrated project states: `requires-python` (the range the lock is solved for) and a
 * `.python-version` pin (the interpreter `uv lock` and `uv sync` take; without requires-python uv locks for
 * `>=` that interpreter, so a package keeps its metadata without Requires-Python and still locks for the
 * Python its project uses). Every hint
 * counts: python_requires, Poetry's `python`, and the pins of `.python-version`, `runtime.txt`,
 * `.tool-versions`, mise, Pipfile `python_version`/`python_full_version` and conda's `python=`.
 */
import type { ManifestFacts, PythonVersionSource } from "../../facts/manifests/types.js";
import type { SourceKind } from "../../facts/migration/types.js";
import { readStatement } from "../../facts/python-version.js";
import { type Table, tableAt } from "../../formats/toml-table.js";
import type { ChosenPython } from "./types.js";

export interface PythonDecision {
  requiresPython: string | null;
  /** `X.Y` pin for .python-version, when a hint pins one and the project has no .python-version. */
  pin: string | null;
  /** Why that pin, as the notes say it ("as runtime.txt did"). */
  pinFrom: string;
  /** True when the pin is the project's own (a pin file), false when dhtl chose it from hints for the lock. */
  pinStated: boolean;
  /** Nothing names a Python and none was chosen: uv would lock for `>=` whichever interpreter it finds. */
  unstated: boolean;
}

/** Pins in the order the tools themselves prefer them (a pin file over a lock's or environment's); any other
 *  statement that names one interpreter comes after them. */
const PIN_ORDER = [".python-version", "runtime.txt", ".tool-versions", "mise", "Pipfile", "environment"];

export function decidePython(options: {
  source: SourceKind;
  manifests: ManifestFacts[];
  /** The merged range of the migrated manifests (python_requires, Pipfile's range …), if any. */
  range: string | null;
  pyproject: Table;
  /** True when the migrated project builds a wheel whose metadata must stay as it was. */
  isPackage: boolean;
  hasPythonVersionFile: boolean;
  /** Versions other files name (CI, tox, classifiers): the oldest Python 3 bounds the lock when nothing else does. */
  hints?: PythonVersionSource[];
  /** The interpreter the workflow chose (wheel probes) when nothing above names one. */
  chosen?: ChosenPython | null;
  notes: string[];
}): PythonDecision {
  const { source, manifests, range, pyproject, isPackage, notes } = options;
  const pin = firstPin(manifests);
  const pinFields =
    pin && !options.hasPythonVersionFile
      ? { pin: pin.minor, pinFrom: `as ${pin.source.file} did`, pinStated: true }
      : {};
  const decision = (requiresPython: string | null): PythonDecision => ({
    requiresPython,
    pin: null,
    pinFrom: "",
    pinStated: false,
    unstated: false,
    ...pinFields,
  });
  const existing = tableAt(pyproject, ["project"])?.["requires-python"];
  if (typeof existing === "string" && existing !== "") return decision(existing);
  if (source === "poetry") {
    const converted = manifests.find((m) => m.file === "pyproject.toml")?.details.pyproject
      ?.poetryPythonPep440;
    if (typeof converted === "string" && converted !== "") return decision(converted);
  } else if (range) {
    return decision(range);
  }
  // Nothing states a range: a pin file, else what the other files name (CI, tox, classifiers).
  // A setuptools package syncs on 3.6 through its in-tree backend (editable-backend.ts); others from 3.7.
  const bounding = pin ?? oldestHinted(options.hints ?? [], isPackage ? 6 : OLDEST_SYNCABLE_MINOR);
  if (bounding) {
    const bound = `>=${bounding.minor}`;
    const named = `${bounding.source.file} (${bounding.source.source} = ${bounding.source.value})`;
    const said =
      "raised" in bounding && bounding.raised
        ? `${named}, raised to the oldest Python uv installs a project into editable`
        : named;
    const pinned = (requiresPython: string | null): PythonDecision => ({
      requiresPython,
      pin: options.hasPythonVersionFile ? null : bounding.minor,
      pinFrom: options.hasPythonVersionFile ? "" : pinReason(bounding),
      pinStated: !("raised" in bounding),
      unstated: false,
    });
    if (isPackage) {
      // Requires-Python would be new in the wheel's METADATA: the pin bounds the lock instead.
      notes.push(
        `Python ${bounding.minor} from ${said} pins the interpreter uv locks with (the lock is for >=${bounding.minor}); the package's metadata stays without Requires-Python, as before`,
      );
      return pinned(null);
    }
    notes.push(`requires-python = "${bound}" from ${said}`);
    return pinned(bound);
  }
  const chosen = options.chosen;
  if (chosen) {
    // uv alone would lock for `>=` the interpreter it finds (3.13), which the pins may have no wheels for.
    const pin = options.hasPythonVersionFile ? null : chosen.minor;
    const fields = { pin, pinFrom: pin ? chosen.why : "", pinStated: false, unstated: false };
    if (isPackage) {
      notes.push(
        `nothing names a Python: ${chosen.minor} (${chosen.why}) pins the interpreter uv locks with (the lock is for >=${chosen.minor}); the package's metadata stays without Requires-Python, as before`,
      );
      return { requiresPython: null, ...fields };
    }
    notes.push(
      `requires-python = ">=${chosen.minor}": nothing names a Python; ${chosen.minor} is ${chosen.why}`,
    );
    return { requiresPython: `>=${chosen.minor}`, ...fields };
  }
  notes.push("no Python version was declared: requires-python left out (uv uses the interpreter it finds)");
  return { ...decision(null), unstated: true };
}

/** The first statement that names one interpreter (exact or minor), with its `X.Y`. */
function firstPin(manifests: ManifestFacts[]): { source: PythonVersionSource; minor: string } | null {
  const pins: { source: PythonVersionSource; minor: string; rank: number }[] = [];
  for (const source of manifests.flatMap((m) => m.python)) {
    // Hints the facts add later (CI matrices, tox envlists …) count after the files tools read themselves.
    const known = PIN_ORDER.findIndex((p) => source.source.startsWith(p));
    const rank = known < 0 ? PIN_ORDER.length : known;
    const statement = readStatement(source);
    if (statement.kind !== "exact" && statement.kind !== "minor") continue;
    const minor = /^(\d+)\.(\d+)/.exec(statement.value);
    if (minor) pins.push({ source, minor: `${minor[1]}.${minor[2]}`, rank });
  }
  pins.sort((a, b) => a.rank - b.rank);
  return pins[0] ?? null;
}

/**
 * The oldest Python 3 the project says it supports (trove classifiers), else the oldest its CI or tox runs
 * the tests on: without any statement of its own, uv would lock for `>=` whichever interpreter it finds
 * (`>=3.13`), and `uv sync --frozen` would then refuse the project's own Python. Pre-releases and what uv
 * cannot lock for or install a project into (Python 2, 3.6 and older) do not count.
 */
function oldestHinted(
  hints: PythonVersionSource[],
  oldestSyncable: number,
): { source: PythonVersionSource; minor: string; raised: boolean } | null {
  for (const tier of ["declared", "tested"] as const) {
    const minors = hints
      .filter((source) => source.hint?.tier === tier && !source.hint.prerelease && source.hint.version)
      .map((source) => ({ source, minor: /^(\d+)\.(\d+)/.exec(source.hint?.version ?? "") }))
      .filter((found) => found.minor !== null && Number(found.minor[1]) === 3)
      .map(({ source, minor }) => ({ source, minor: `${minor![1]}.${minor![2]}`, key: Number(minor![2]) }))
      .sort((a, b) => a.key - b.key);
    // uv locks for 3.6 and newer; a project that names only older ones gets the nearest it can sync, not
    // `>=` whatever uv finds (3.6 for a setuptools package, whose in-tree backend installs it editable
    // there; 3.7 otherwise, the oldest Python any other backend installs a project editable into).
    const syncable = minors.find((m) => m.key >= oldestSyncable);
    if (syncable) return { source: syncable.source, minor: syncable.minor, raised: false };
    const newest = minors.at(-1);
    if (newest) return { source: newest.source, minor: `3.${oldestSyncable}`, raised: true };
  }
  return null;
}

function pinReason(bounding: { source: PythonVersionSource; raised?: boolean }): string {
  const file = bounding.source.file;
  if (!("raised" in bounding)) return `as ${file} did`;
  return bounding.raised
    ? `the nearest uv can sync to the Python ${bounding.source.value} ${file} names`
    : `the oldest Python ${file} names`;
}

/** Python 3.7: the oldest setuptools 64+ (PEP 660) runs on, so the oldest a project without an in-tree
 *  backend can be installed editable into. */
const OLDEST_SYNCABLE_MINOR = 7;
