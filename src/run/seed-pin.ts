/**
 * One package pinned with its hashes for one Python, the way `uv pip compile --generate-hashes` resolves it,
 * in a scratch directory (nothing of the project is written). Used for what a project's own tool put into
 * every environment without locking it (pipenv's virtualenv seeded setuptools).
 */
import type { UvRunner } from "./install.js";
import { compileInScratch } from "./scratch-compile.js";

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
  const compiled = await compileInScratch(uv, `${name}\n`, python, "requirements.txt", [
    "--generate-hashes",
    "--no-deps",
    ...(excludeNewer ? ["--exclude-newer", excludeNewer] : []),
  ]);
  if (!compiled.ok) return { failed: compiled.reason };
  return readHashedPin(compiled.output, name) ?? { failed: `uv wrote no pin for ${name}` };
}

/** `name==version \` followed by `--hash=` lines, as `uv pip compile --generate-hashes` writes one package. */
export function readHashedPin(text: string, name: string): HashedPin | null {
  const head = new RegExp(`^${name.replace(/[-_.]+/g, "[-_.]+")}==(\\S+)`, "im").exec(text);
  if (!head) return null;
  const hashes = [...text.matchAll(/--hash=(\S+)/g)].map((match) => match[1]!);
  return hashes.length > 0 ? { name, version: head[1]!, hashes } : null;
}
