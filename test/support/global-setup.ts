import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * CLI tests run the bundled file; `npm test` builds it first, this guards direct `vitest` runs.
 *
 * Every temporary directory of the run — the tests' own, the CLI's, uv's — is made under one directory
 * (TMPDIR, inherited by the workers and every process they start) that is removed at the end, so a test
 * that forgets its cleanup, or a process killed on purpose, leaves nothing behind in /tmp. dhtl's own home
 * (`$DHTL_HOME`) is there too.
 */
export default function setup(): () => void {
  const bundle = join(import.meta.dirname, "..", "..", "dist", "dhtl.cjs");
  if (!existsSync(bundle)) {
    throw new Error(`${bundle} is missing: run \`npm run build\` before vitest`);
  }
  const runDir = mkdtempSync(join(tmpdir(), "dhtl-test-run-"));
  process.env.TMPDIR = runDir;
  // dhtl's own per-user state (secret, project locks and journals, the activation allow list) and caches:
  // one home per run, so no test reads or leaves anything in the real user's directories.
  process.env.DHTL_HOME = join(runDir, "dhtl-home");
  return () => rmSync(runDir, { recursive: true, force: true });
}
