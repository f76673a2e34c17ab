import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const repoRoot = resolve(import.meta.dirname, "..", "..");
const cli = join(repoRoot, "bin", "dhtl.js");

/** A private copy of a fixture project in a fresh temp dir: tests never touch the checkout. */
export function copyFixture(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dhtl-e2e-${name}-`));
  created.push(dir);
  cpSync(join(repoRoot, "test", "fixtures", "projects", name), dir, { recursive: true });
  return dir;
}

const created: string[] = [];

/** Deletes every copy this test file made (environments included); call it from `afterAll`. */
export function removeFixtureCopies(): void {
  for (const dir of created.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const env = { ...process.env, NO_COLOR: "1", CI: "1" };

/** Runs the built CLI (`node bin/dhtl.js …`) to completion. */
export function dhtl(args: string[], cwd: string): CliResult {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    env,
    encoding: "utf8",
    timeout: 240_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the built CLI in its own process group, so a test can kill it and every child at once. */
export function startDhtl(args: string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { cwd, env, detached: true, stdio: "ignore" });
}

export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
  }
}

/** The venv's python, for arranging drift with uv pip. */
export function uvPip(root: string, args: string[]): void {
  // Outside the project: a pyenv `uv` shim obeys the project's .python-version, whose Python may lack uv.
  const result = spawnSync("uv", ["pip", ...args, "--python", join(root, ".venv", "bin", "python")], {
    cwd: tmpdir(),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`uv pip ${args.join(" ")} failed: ${result.stderr}`);
}

/**
 * sha256 over every path, symlink target and file content under `dir` (symlinks not followed, so the
 * environments under .dhtl/envs count once): two equal hashes mean an identical tree.
 */
export function treeHash(dir: string): string {
  const hash = createHash("sha256");
  const walk = (path: string, rel: string) => {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) hash.update(`L ${rel} -> ${readlinkSync(path)}\n`);
    else if (stat.isDirectory()) {
      hash.update(`D ${rel}\n`);
      for (const entry of readdirSync(path).sort()) {
        // Python writes bytecode on its own whenever it runs; it is not part of what dhtl guards.
        if (entry === "__pycache__") continue;
        walk(join(path, entry), rel ? `${rel}/${entry}` : entry);
      }
    } else hash.update(`F ${rel} ${createHash("sha256").update(readFileSync(path)).digest("hex")}\n`);
  };
  walk(dir, "");
  return hash.digest("hex");
}

export function output(result: CliResult): string {
  return `exit ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`;
}
