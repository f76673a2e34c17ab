/**
 * Where dhtl keeps what it must be able to trust later: outside every checkout, per user.
 *
 *   data   `$DHTL_HOME`, else `$XDG_DATA_HOME/dhtl`, else `~/.local/share/dhtl`: dhtl's own uv, the
 *          activation allow list
 *   cache  `<data>/cache`: probe results that can always be recomputed
 *   state  `$DHTL_HOME/state`, else `$XDG_STATE_HOME/dhtl`, else `~/.local/state/dhtl`: the per-user secret,
 *          and one directory per project (keyed by the project's real path) holding its run lock and journal
 *
 * A checkout can commit any file under its own tree, so nothing there proves that dhtl wrote it. What dhtl
 * leaves inside a project and must recognise later (the environments it built) carries a MAC made with a
 * secret only this user can read.
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readFileSync, realpathSync, writeSync } from "node:fs";
import { join } from "node:path";
import { dhtlStateDir } from "./paths.js";

/** The project's real path: the key of everything dhtl remembers about it. */
export function realProjectRoot(root: string): string {
  return realpathSync(root);
}

/** `<state>/projects/<sha256 of the real path>`: the project's lock and journal (created on demand). */
export function projectStateDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const key = createHash("sha256").update(realProjectRoot(root)).digest("hex").slice(0, 32);
  return join(dhtlStateDir(env), "projects", key);
}

/** Creates a private (0700) state directory and its parents. */
export function ensurePrivateDir(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return dir;
}

const SECRET_FILE = "secret";

/**
 * The per-user secret (32 random bytes, mode 0600) that dhtl's marks are made with. `create: false` (read-only
 * commands) returns null when there is none yet: then nothing can be proven dhtl's, which is the safe answer.
 */
export function userSecret(
  options: { create: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Buffer | null {
  const dir = dhtlStateDir(env);
  const path = join(dir, SECRET_FILE);
  const existing = readSecret(path);
  if (existing || !options.create) return existing;
  ensurePrivateDir(dir);
  let fd: number;
  try {
    fd = openSync(path, "wx", 0o600);
  } catch (error) {
    // Another dhtl created it first: use that one.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readSecret(path);
    throw error;
  }
  try {
    writeSync(fd, randomBytes(32).toString("hex"));
  } finally {
    closeSync(fd);
  }
  return readSecret(path);
}

function readSecret(path: string): Buffer | null {
  try {
    const stat = lstatSync(path);
    // A secret others could read or replace proves nothing.
    if (!stat.isFile() || (stat.mode & 0o077) !== 0) return null;
    if (typeof process.getuid === "function" && stat.uid !== process.getuid()) return null;
    const text = readFileSync(path, "utf8").trim();
    return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, "hex") : null;
  } catch {
    return null;
  }
}

/** HMAC-SHA256 of the parts under the user's secret, or null when there is no secret (and `create` is false). */
export function userMac(
  parts: string[],
  options: { create: boolean },
  env?: NodeJS.ProcessEnv,
): string | null {
  const secret = userSecret(options, env);
  if (!secret) return null;
  return createHmac("sha256", secret).update(parts.join("\0")).digest("hex");
}
