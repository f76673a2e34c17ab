/**
 * `uv pip compile` of some requirements for one interpreter in a scratch directory: nothing of the project
 * is read or written. The interpreter is named, so uv neither searches PATH (pyenv shims cost seconds) nor
 * builds with another one. A uv failure is an answer (`ok: false`, with uv's explained reason), not an error.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { type UvRunner, uvEnvironment } from "./install.js";
import { explainUvFailure } from "./uv.js";

export type ScratchCompile =
  | { ok: true; output: string }
  /** `network`: uv could not reach the index. */
  | { ok: false; reason: string; network: boolean };

export async function compileInScratch(
  uv: UvRunner,
  requirements: string,
  python: { path: string; version: string },
  /** The file uv writes (its name selects the format: `pylock.toml`, `requirements.txt`). */
  output: string,
  args: string[],
): Promise<ScratchCompile> {
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-compile-"));
  try {
    writeFileSync(join(scratch, "requirements.in"), requirements);
    await uv(
      [
        "pip",
        "compile",
        "requirements.in",
        ...args,
        "--output-file",
        output,
        "--quiet",
        "--no-header",
        "--python-version",
        python.version,
        "--python",
        python.path,
      ],
      { cwd: scratch, env: uvEnvironment() },
    );
    return { ok: true, output: readFileSync(join(scratch, output), "utf8") };
  } catch (error) {
    if (!(error instanceof DhtlError)) throw error;
    const explained = explainUvFailure(error.message);
    const reason = (explained?.message ?? error.message).split("\n")[0] ?? "uv failed";
    return { ok: false, reason, network: explained?.kind === "network" };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
