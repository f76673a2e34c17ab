import { existsSync, readdirSync, readFileSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { basename, join } from "node:path";
import { isExecutableFile } from "../../core/fs.js";
import { tryParseToml } from "../../formats/toml.js";

/**
 * The program a rustup proxy (`~/.cargo/bin/cargo`, a link to rustup) runs for a probe started in `/`, or
 * null when that is not certain. A proxy picks a toolchain each time it runs, so its `--version` could
 * never be remembered and cost a rustup process besides the tool's own on every analyze. In `/`, with no
 * `RUSTUP_TOOLCHAIN`, no override for `/` and no `rust-toolchain` file there, only the default toolchain
 * can apply: its own binary answers the same, and is probed and remembered like any program.
 */
export function programBehindRustupProxy(
  path: string,
  command: string,
  env: NodeJS.ProcessEnv,
): string | null {
  let target: string;
  try {
    target = realpathSync(path);
  } catch {
    return null;
  }
  if (!/^rustup(?:-init)?(?:\.exe)?$/.test(basename(target))) return null;
  if (env.RUSTUP_TOOLCHAIN) return null;
  if (existsSync("/rust-toolchain") || existsSync("/rust-toolchain.toml")) return null;
  const home = env.RUSTUP_HOME || join(env.HOME || homedir(), ".rustup");
  let text: string;
  try {
    text = readFileSync(join(home, "settings.toml"), "utf8");
  } catch {
    return null;
  }
  const settings = tryParseToml(text).doc;
  const overrides = settings?.overrides;
  if (overrides !== undefined && (typeof overrides !== "object" || overrides === null || "/" in overrides))
    return null;
  const name = settings?.default_toolchain;
  // A toolchain's folder name: never `.`, `..` or a path.
  if (typeof name !== "string" || !/^\w[\w.-]*$/.test(name)) return null;
  const toolchains = join(home, "toolchains");
  // `stable` names the host's `stable-<triple>`: taken only when exactly one such toolchain is installed.
  let dir = join(toolchains, name);
  if (!existsSync(dir)) {
    let matches: string[];
    try {
      matches = readdirSync(toolchains).filter((entry) => entry.startsWith(`${name}-`));
    } catch {
      return null;
    }
    if (matches.length !== 1) return null;
    dir = join(toolchains, matches[0] as string);
  }
  const program = join(dir, "bin", command);
  return isExecutableFile(program) ? program : null;
}
