/**
 * One package pinned with its hashes for one Python, the way `uv pip compile --generate-hashes` resolves it,
 * in a scratch directory (nothing of the project is written). Used for what a project's own tool put into
 * every environment without locking it (pipenv's virtualenv seeded setuptools).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { type UvRunner, uvEnvironment } from "./install.js";
import { explainUvFailure } from "./uv.js";

export interface HashedPin {
  name: string;
  version: string;
  hashes: string[];
}

export async function pinWithHashes(
  uv: UvRunner,
  name: string,
  python: { path: string; version: string },
  excludeNewer: string | null,
): Promise<HashedPin | { failed: string }> {
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-pin-"));
  try {
    writeFileSync(join(scratch, "requirements.in"), `${name}\n`);
    await uv(
      [
        "pip",
        "compile",
        "requirements.in",
        "--generate-hashes",
        "--no-deps",
        "--quiet",
        "--no-header",
        "--output-file",
        "requirements.txt",
        "--python-version",
        python.version,
        "--python",
        python.path,
        ...(excludeNewer ? ["--exclude-newer", excludeNewer] : []),
      ],
      { cwd: scratch, env: uvEnvironment() },
    );
    const pin = readHashedPin(readFileSync(join(scratch, "requirements.txt"), "utf8"), name);
    return pin ?? { failed: `uv wrote no pin for ${name}` };
  } catch (error) {
    if (!(error instanceof DhtlError)) throw error;
    const explained = explainUvFailure(error.message);
    return { failed: (explained?.message ?? error.message).split("\n")[0] ?? "uv failed" };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** `name==version \` followed by `--hash=` lines, as `uv pip compile --generate-hashes` writes one package. */
export function readHashedPin(text: string, name: string): HashedPin | null {
  const head = new RegExp(`^${name.replace(/[-_.]+/g, "[-_.]+")}==(\\S+)`, "im").exec(text);
  if (!head) return null;
  const hashes = [...text.matchAll(/--hash=(\S+)/g)].map((match) => match[1]!);
  return hashes.length > 0 ? { name, version: head[1]!, hashes } : null;
}
