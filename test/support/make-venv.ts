import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runChecked } from "../../src/core/exec.js";
import { environmentChecksum, readEnvironmentState } from "../../src/record/checksum.js";
import { type DhtConfig, platformKey, sha256File, writeDhtConfig } from "../../src/record/dhtconfig.js";
import { ensureUv } from "../../src/run/uv.js";

let uvPath: Promise<string> | undefined;
/** The real uv of this machine (pyenv shim resolved once). */
export function uv(): Promise<string> {
  uvPath ??= ensureUv().then((info) => info.path);
  return uvPath;
}

// Copies, not hardlinks: a test that edits an installed file must never edit the shared uv cache.
export const uvEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: "1",
  UV_NO_PROGRESS: "1",
  UV_LINK_MODE: "copy",
});

/** `uv venv` + `uv pip install` of exact pins: a real environment, built the way setup builds one. */
export async function makeVenv(dir: string, pins: string[]): Promise<string> {
  const bin = await uv();
  const venv = join(dir, ".venv");
  await runChecked(bin, ["venv", "--quiet", "--python", "3.11", venv], { cwd: dir, env: uvEnv() });
  if (pins.length) {
    await runChecked(bin, ["pip", "install", "--quiet", "--python", join(venv, "bin", "python"), ...pins], {
      cwd: dir,
      env: uvEnv(),
    });
  }
  return venv;
}

/** A hashed requirements lock as `uv pip compile --generate-hashes` writes it, for the given pins. */
export async function compileLock(
  dir: string,
  pins: string[],
  output = "requirements.lock",
): Promise<string> {
  const bin = await uv();
  writeFileSync(join(dir, "requirements.in"), `${pins.join("\n")}\n`);
  await runChecked(
    bin,
    ["pip", "compile", "--quiet", "--universal", "--generate-hashes", "requirements.in", "-o", output],
    { cwd: dir, env: uvEnv() },
  );
  return join(dir, output);
}

/** A tiny real PEP 621 + uv project, locked and synced with all groups, recorded in `.dhtconfig`. */
export async function makeUvProject(dir: string, options: { record?: boolean } = {}): Promise<string> {
  writeFileSync(
    join(dir, "pyproject.toml"),
    [
      "[project]",
      'name = "demo-app"',
      'version = "0.1.0"',
      'requires-python = ">=3.9"',
      'dependencies = ["six==1.16.0", "idna==3.7", "tomli==2.0.1; python_version < \'3.11\'"]',
      "[dependency-groups]",
      'dev = ["packaging==24.1"]',
      "[build-system]",
      'requires = ["hatchling"]',
      'build-backend = "hatchling.build"',
      "",
    ].join("\n"),
  );
  mkdirSync(join(dir, "src", "demo_app"), { recursive: true });
  writeFileSync(join(dir, "src", "demo_app", "__init__.py"), "");
  const bin = await uv();
  await runChecked(bin, ["lock", "--quiet", "--python", "3.11"], { cwd: dir, env: uvEnv() });
  await syncUvProject(dir);
  if (options.record !== false) recordProject(dir, "uv.lock");
  return join(dir, ".venv");
}

export async function syncUvProject(dir: string): Promise<void> {
  await runChecked(await uv(), ["sync", "--quiet", "--frozen", "--all-groups", "--python", "3.11"], {
    cwd: dir,
    env: uvEnv(),
  });
}

/** Writes `.dhtconfig` as setup would: the lock's digest and this environment's checksum. */
export function recordProject(dir: string, lockFile: string, extra: Partial<DhtConfig> = {}): DhtConfig {
  const config: DhtConfig = {
    schema: 1,
    lock: { file: lockFile, digest: sha256File(join(dir, lockFile)) },
    environment: {
      checksums: { [platformKey()]: environmentChecksum(readEnvironmentState(join(dir, ".venv"))) },
    },
    ...extra,
  };
  writeDhtConfig(dir, config);
  return config;
}

/** `uv pip …` against a project's `.venv`, for arranging drift. */
export function uvPip(root: string, args: string[]): void {
  // Outside the project: a pyenv `uv` shim obeys the project's .python-version, whose Python may lack uv.
  const result = spawnSync("uv", ["pip", ...args, "--python", join(root, ".venv", "bin", "python")], {
    cwd: tmpdir(),
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(`uv pip ${args.join(" ")} failed: ${result.stderr}`);
}
