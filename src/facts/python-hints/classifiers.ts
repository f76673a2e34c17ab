/** Trove classifiers `Programming Language :: Python :: 3.11` in pyproject.toml, setup.cfg or setup.py, found as text. */
import type { PythonVersionSource } from "../manifests/types.js";
import { hintSource } from "./versions.js";

export function classifierHints(file: string, text: string): PythonVersionSource[] {
  const found: PythonVersionSource[] = [];
  const seen = new Set<string>();
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    for (const match of line.matchAll(
      /Programming Language\s*::\s*Python\s*::\s*(\d\.\d{1,2})(?=\s*["',\n]|\s*$)/g,
    )) {
      const version = match[1]!;
      if (seen.has(version)) continue;
      seen.add(version);
      found.push(
        hintSource(
          "trove classifier",
          file,
          index + 1,
          version,
          "declared",
          `the package metadata lists Python ${version}`,
        ),
      );
    }
  }
  return found;
}
