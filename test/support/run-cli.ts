import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
export const cliPath = join(repoRoot, "bin", "dhtl.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to completion with colour off; `env` adds to (or, with undefined, removes from) the environment. */
export function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliRun {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "1" };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    env: merged,
    encoding: "utf8",
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A private copy of `test/fixtures/<path>` in a fresh temp dir, so tests never touch the checkout. */
export function copyFixtureDir(path: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-test-"));
  cpSync(join(repoRoot, "test", "fixtures", path), dir, { recursive: true });
  return dir;
}
