import type { PythonHint, PythonVersionSource } from "../manifests/types.js";

/**
 * What a version as CI files and image tags write it means: `3.11`, `"3.10"`, `3.12.4`, `3.13-dev`,
 * `3.14.0-beta.1`, `3.13t` → a CPython release (and whether it is a pre-release); `pypy3.10`, `3.x`,
 * `nightly`, `system` → no release (version null), kept so the hint still shows.
 */
export function readHintVersion(text: string): Pick<PythonHint, "version" | "prerelease"> {
  const value = text
    .trim()
    .replace(/^["']|["']$/g, "")
    .toLowerCase();
  const match =
    /^(?:cpython-?|python-?|py)?(\d)\.(\d{1,2})(?:\.(\d{1,3}))?(t)?([-.]?(?:dev|alpha|beta|rc|a|b)[.\d-]*)?$/.exec(
      value,
    );
  if (!match) return { version: null };
  const release = [match[1], match[2], match[3]].filter((part) => part !== undefined).join(".");
  return match[5] ? { version: release, prerelease: true } : { version: release };
}

/** One hint as a candidate of `python.candidates`. */
export function hintSource(
  source: string,
  file: string,
  line: number | null,
  value: string,
  tier: PythonHint["tier"],
  reason: string,
  version: Pick<PythonHint, "version" | "prerelease"> = readHintVersion(value),
): PythonVersionSource {
  return { source, file, line, value, hint: { tier, ...version, reason } };
}

/** `py311` → `3.11`, `py3` → null, `py27` → `2.7`, `pypy3` → null (tox and nox environment names). */
export function toxFactorVersion(factor: string): string | null {
  const match = /^py(\d)(\d{1,2})$/.exec(factor);
  return match ? `${match[1]}.${match[2]}` : null;
}
