/**
 * Asking uv which wheels a project's requirements get on one interpreter: `uv pip compile --format
 * pylock.toml` for that Python, in a scratch directory (nothing of the project is written). The pylock
 * lists, per resolved version, the wheels that fit the interpreter: a version without one would build
 * from source there. Used to choose between installed interpreters when the project has no lock that
 * names its wheels (requirements files, Pipfile.lock, a uv project before its first lock).
 */
import { type PylockPackage, readPylock } from "../formats/pylock.js";
import type { UvRunner } from "./install.js";
import { compileInScratch } from "./scratch-compile.js";

export type WheelProbe =
  | { ok: true; packages: PylockPackage[] }
  /** `network`: uv could not reach the index (asking another interpreter will not help). */
  | { ok: false; reason: string; network: boolean };

/**
 * Resolves `requirements` (requirements-file text; `noDeps` for a list of exact pins) for the
 * interpreter at `python.path` and lists the wheels each version has for it.
 */
export async function probeWheels(
  uv: UvRunner,
  requirements: string,
  python: { path: string; version: string },
  options: { noDeps: boolean; universal?: boolean },
): Promise<WheelProbe> {
  const compiled = await compileInScratch(uv, requirements, python, "pylock.toml", [
    "--format",
    "pylock.toml",
    ...(options.noDeps ? ["--no-deps"] : []),
    // Universal from an old Python lists every wheel a version publishes, not only those that fit.
    ...(options.universal ? ["--universal"] : []),
  ]);
  return compiled.ok ? { ok: true, packages: readPylock(compiled.output) } : compiled;
}
