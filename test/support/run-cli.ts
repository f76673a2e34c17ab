import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./temp-dirs.js";

export const cliPath = join(repoRoot, "bin", "dhtl.js");

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The environment every CLI test runs with: colour and interactive progress off. */
function cliEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const merged: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "1" };
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

/** Runs the built CLI to completion with colour off; `env` adds to (or, with undefined, removes from) the environment. */
export function runCli(args: string[], cwd: string, env: Record<string, string | undefined> = {}): CliRun {
  const result = spawnSync(process.execPath, [cliPath, ...args], {
    cwd,
    env: cliEnv(env),
    encoding: "utf8",
    // Generous: a setup downloads from PyPI; vitest's own timeout catches a hang first.
    timeout: 240_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the built CLI in its own process group, so a test can kill it and every child at once. */
export function startCli(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [cliPath, ...args], {
    cwd,
    env: cliEnv({}),
    detached: true,
    stdio: "ignore",
  });
}

/** The run's stdout as JSON, or an error that shows what was printed instead. */
export function cliJson<T = Record<string, unknown>>(result: CliRun): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** Exit code and both streams, as the message of an assertion that failed. */
export function describeRun(result: CliRun): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
