import { join } from "node:path";
import { dhtlStateDir } from "../core/state-dir.js";

/**
 * How uv places installed files in an environment. uv's default on Linux hardlinks them from its cache, so
 * one project's `.venv` shares inodes with the cache and with every other project: editing a file in one
 * environment edits them all, and a corrupted cache entry breaks every later install. `copy` gives each
 * environment its own files (measured: bench/link-mode.mjs); uv's `clone` would be as safe and cheaper on
 * file systems with reflinks, but on others uv falls back to hardlinks, so dhtl does not rely on it.
 */
export const UV_LINK_MODE = "copy";

/**
 * The environment every uv call runs with:
 * - never the caller's activated venv or conda environment;
 * - `UV_PROJECT_ENVIRONMENT` always set (by default to a path that never exists): left to itself, uv
 *   runs the project's `.venv/bin/python` to ask it questions, and that file may be a checkout's
 *   planted script. Commands that build an environment point it at the environment dhtl created;
 * - dhtl's link mode (see above); no progress bars.
 */
export function isolatedUvEnvironment(
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, ...extra };
  delete env.VIRTUAL_ENV;
  delete env.CONDA_PREFIX;
  env.UV_NO_PROGRESS = "1";
  env.UV_LINK_MODE = UV_LINK_MODE;
  env.UV_PROJECT_ENVIRONMENT =
    extra.UV_PROJECT_ENVIRONMENT ?? join(dhtlStateDir(base), "no-project-environment");
  return env;
}
