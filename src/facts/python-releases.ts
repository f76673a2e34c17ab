/**
 * When each CPython minor version came out (the x.y.0 final release, python.org). A release of a package
 * made before an interpreter existed rarely has wheels for it, and old sources often do not build on it:
 * resolving "as of" a date (plan/as-of.ts) never goes earlier than the interpreter's arrival.
 */
const CPYTHON_RELEASES: Readonly<Record<string, string>> = {
  "2.7": "2010-07-03",
  "3.3": "2012-09-29",
  "3.4": "2014-03-16",
  "3.5": "2015-09-13",
  "3.6": "2016-12-23",
  "3.7": "2018-06-27",
  "3.8": "2019-10-14",
  "3.9": "2020-10-05",
  "3.10": "2021-10-04",
  "3.11": "2022-10-24",
  "3.12": "2023-10-02",
  "3.13": "2024-10-07",
  "3.14": "2025-10-07",
};

/** The day `minor` (`3.11`) came out, or null when this table does not know it (a newer one). */
export function pythonReleaseDate(minor: string): string | null {
  return CPYTHON_RELEASES[minor] ?? null;
}

const DAY_MS = 86_400_000;
/** How long after an interpreter's release its wheels (and build tools that run on it) are taken to exist. */
export const WHEELS_AFTER_DAYS = 90;

/**
 * From when releases made for `minor` can be counted on (RFC 3339 UTC): 90 days after its x.y.0; `now`
 * for a version this table does not know (newer than it). Null when no minor is known.
 */
export function wheelsFrom(minor: string | null, now: Date): string | null {
  if (!minor) return null;
  const released = pythonReleaseDate(minor);
  const time = released ? Date.parse(`${released}T00:00:00Z`) + WHEELS_AFTER_DAYS * DAY_MS : now.getTime();
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * The interpreter of a project's era: the newest CPython minor whose releases had had their wheels for
 * WHEELS_AFTER_DAYS by `date` (ISO 8601) — what the project's authors most likely ran. A candidate for
 * interpreter choice when a dormant project states no Python version (plan/interpreter-choice.ts).
 */
export function eraPython(date: string): string | null {
  const day = Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
  let era: string | null = null;
  for (const [minor, released] of Object.entries(CPYTHON_RELEASES))
    if (Date.parse(`${released}T00:00:00Z`) + WHEELS_AFTER_DAYS * DAY_MS <= day) era = minor;
  return era;
}
