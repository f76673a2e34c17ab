import { homedir } from "node:os";
import { join } from "node:path";

/** `$DHTL_HOME`, else `$XDG_DATA_HOME/dhtl`, else `~/.local/share/dhtl`. */
export function dhtlDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DHTL_HOME) return env.DHTL_HOME;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, "dhtl");
  return join(env.HOME || homedir(), ".local", "share", "dhtl");
}

/** Where dhtl keeps what it remembers about this machine (probe results): `<data dir>/cache`. */
export function dhtlCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(dhtlDataDir(env), "cache");
}
