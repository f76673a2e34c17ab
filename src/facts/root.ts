import { existsSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { DhtlError } from "../core/errors.js";

/**
 * Files that make a directory a project root, from the seed plan. The nearest directory holding any of
 * them wins, so a subproject inside a larger git repository is its own root.
 */
export const ROOT_MARKERS = [
  ".git",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "requirements.txt",
  "Pipfile",
  "environment.yml",
  "environment.yaml",
  "conda.yaml",
  "MLproject",
  ".dhtconfig",
  ".python-version",
  "runtime.txt",
  "package.json",
  "Cargo.toml",
  "go.mod",
  "CMakeLists.txt",
  "Makefile",
] as const;

/** The nearest directory, walking up from `start`, that holds a marker; `start` itself when none does. */
export function findProjectRoot(start: string): string {
  const from = resolve(start);
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(from);
  } catch {
    throw new DhtlError("badInput", `path does not exist: ${start}`, { hint: "pass a project directory" });
  }
  let current = stat.isDirectory() ? from : dirname(from);
  for (;;) {
    if (ROOT_MARKERS.some((marker) => existsSync(join(current, marker)))) return current;
    const parent = dirname(current);
    if (parent === current) return stat.isDirectory() ? from : dirname(from);
    current = parent;
  }
}
