import { constants, copyFileSync, existsSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import { dhtlStateDir } from "../core/paths.js";

/** Runs uv with an argv array (install.ts's UvRunner, restated here so the two modules form no cycle). */
type RunUv = (
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
) => Promise<{ stdout: string }>;

/**
 * How uv places installed files in an environment. uv's default on Linux hardlinks them from its cache, so
 * one project's `.venv` shares inodes with the cache and with every other project: editing a file in one
 * environment edits them all, and a corrupted cache entry breaks every later install. dhtl installs with
 * `clone` (copy-on-write reflinks: separate files at hardlink speed) where the file systems of uv's cache and
 * the project can reflink between them, and with `copy` everywhere else — uv's `clone` falls back to
 * hardlinks where reflinks fail, so it is used only after a probe. Measured: bench/link-mode.sh.
 * `DHTL_LINK_MODE=hardlink` in the user's own environment (never a project file) takes uv's default for its
 * speed, sharing files knowingly; `copy` skips the probe.
 */
export type LinkMode = "clone" | "copy" | "hardlink";

let buildLinkMode: LinkMode = "copy";

/** Sets the link mode for the rest of this run's installs (see `probeLinkMode`). */
export function useLinkMode(mode: LinkMode): void {
  buildLinkMode = mode;
}

/**
 * `clone` when a reflink from uv's cache directory into `envDir` works, else `copy`. One `uv cache dir`
 * (it honours UV_CACHE_DIR and uv.toml) and one copy attempt of an empty file.
 */
export async function probeLinkMode(
  uv: RunUv,
  root: string,
  envDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<LinkMode> {
  const chosen = chosenLinkMode(env);
  if (chosen) return chosen;
  let cacheDir: string;
  try {
    cacheDir = (await uv(["cache", "dir"], { cwd: root, env: isolatedUvEnvironment() })).stdout.trim();
  } catch {
    return "copy";
  }
  if (!cacheDir || !existsSync(cacheDir)) return "copy";
  const source = join(cacheDir, `.dhtl-reflink-probe-${process.pid}`);
  const target = join(envDir, `.dhtl-reflink-probe-${process.pid}`);
  try {
    writeFileSync(source, "probe\n");
    copyFileSync(source, target, constants.COPYFILE_FICLONE_FORCE);
    return "clone";
  } catch {
    return "copy";
  } finally {
    rmSync(source, { force: true });
    rmSync(target, { force: true });
  }
}

/** The user's own choice (`DHTL_LINK_MODE`), or null to probe; any other value is refused by name. */
export function chosenLinkMode(env: NodeJS.ProcessEnv = process.env): "copy" | "hardlink" | null {
  const value = env.DHTL_LINK_MODE;
  if (value === undefined || value === "" || value === "auto") return null;
  if (value === "copy" || value === "hardlink") return value;
  throw new DhtlError(
    "badInput",
    `DHTL_LINK_MODE=${JSON.stringify(value)} is not one of auto, copy, hardlink`,
  );
}

/**
 * The environment every uv call runs with:
 * - never the caller's activated venv or conda environment;
 * - `UV_PROJECT_ENVIRONMENT` always set (by default to a path that never exists): left to itself, uv
 *   runs the project's `.venv/bin/python` to ask it questions, and that file may be a checkout's
 *   planted script. Commands that build an environment point it at the environment dhtl created;
 * - dhtl's link mode (see above), whatever the user's UV_LINK_MODE says; no progress bars.
 */
export function isolatedUvEnvironment(
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...extra };
  delete env.VIRTUAL_ENV;
  delete env.CONDA_PREFIX;
  env.UV_NO_PROGRESS = "1";
  env.UV_LINK_MODE = buildLinkMode;
  env.UV_PROJECT_ENVIRONMENT =
    extra.UV_PROJECT_ENVIRONMENT ?? join(dhtlStateDir(base), "no-project-environment");
  return env;
}
