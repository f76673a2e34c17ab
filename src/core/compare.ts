/**
 * Orders strings by code unit: the same on every machine. `localeCompare` depends on the locale (a
 * determinism hazard for anything written to disk) and costs ~7 ms to start its collator.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Case-insensitive first, as people read lists of file names (`environment.yml` before `Pipfile`), then by code unit. */
export function compareTextIgnoringCase(a: string, b: string): number {
  return compareText(a.toLowerCase(), b.toLowerCase()) || compareText(a, b);
}
