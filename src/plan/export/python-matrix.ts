/**
 * The CI matrix: every CPython minor the project's own range allows, among those CI runners can install,
 * with the recorded exact version in place of its minor. Deterministic: a fixed table, not today's list.
 */
import { specifierAllows } from "../../pep/pep440.js";

/** Minors actions/setup-python installs on ubuntu-24.04 runners (3.7 is not built for it). */
export const CI_MINORS = ["3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14"];

export interface MatrixEntry {
  /** What setup-python installs: a minor (its newest patch) or the recorded exact version. */
  python: string;
  minor: string;
  /** The recorded version: there dhtl regenerates and validates the environment. */
  recorded: boolean;
}

export function pythonMatrix(recorded: string, range: string | null): MatrixEntry[] {
  const recordedMinor = recorded.split(".").slice(0, 2).join(".");
  const allowed = range
    ? CI_MINORS.filter((minor) => [`${minor}.0`, `${minor}.99`].some((v) => safeAllows(range, v)))
    : [];
  const minors = [...new Set([...allowed, recordedMinor])].sort(byVersion);
  return minors.map((minor) =>
    minor === recordedMinor
      ? { python: recorded, minor, recorded: true }
      : { python: minor, minor, recorded: false },
  );
}

function safeAllows(range: string, version: string): boolean {
  try {
    return specifierAllows(range, version);
  } catch {
    return false;
  }
}

function byVersion(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split(".").map(Number);
  const [bMajor = 0, bMinor = 0] = b.split(".").map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}
