/**
 * Asking uv which wheels a project's requirements get on one interpreter: `uv pip compile --format
 * pylock.toml` for that Python, in a scratch directory (nothing of the project is written). The pylock
 * lists, per resolved version, the wheels that fit the interpreter: a version without one would build
 * from source there. Used to choose between installed interpreters when the project has no lock that
 * names its wheels (requirements files, Pipfile.lock, a uv project before its first lock).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { type PylockPackage, readPylock } from "../formats/pylock.js";
import { type UvRunner, uvEnvironment } from "./install.js";
import { explainUvFailure } from "./uv.js";

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
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-probe-"));
  try {
    writeFileSync(join(scratch, "requirements.in"), requirements);
    await uv(
      [
        "pip",
        "compile",
        "requirements.in",
        "--format",
        "pylock.toml",
        "--output-file",
        "pylock.toml",
        "--quiet",
        "--no-header",
        "--python-version",
        python.version,
        // Named, so uv neither searches PATH (pyenv shims cost seconds) nor uses another interpreter to build.
        "--python",
        python.path,
        ...(options.noDeps ? ["--no-deps"] : []),
        // Universal from an old Python lists every wheel a version publishes, not only those that fit.
        ...(options.universal ? ["--universal"] : []),
      ],
      { cwd: scratch, env: uvEnvironment() },
    );
    return { ok: true, packages: readPylock(readFileSync(join(scratch, "pylock.toml"), "utf8")) };
  } catch (error) {
    if (!(error instanceof DhtlError)) throw error;
    const explained = explainUvFailure(error.message);
    const reason = (explained?.message ?? error.message).split("\n")[0] ?? "uv failed";
    return { ok: false, reason, network: explained?.kind === "network" };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
