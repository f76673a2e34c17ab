/**
 * Errors that are not dhtl's: the operating system refused a write (permission, a read-only file system,
 * a full disk or quota). They become one documented exit code (5) and a message naming the path, instead
 * of an "internal error"; the run has changed nothing by then (writes are staged and rolled back).
 */
import { DhtlError } from "./errors.js";

const REASONS: Record<string, { reason: string; hint: string }> = {
  EACCES: {
    reason: "permission denied",
    hint: "check the permissions of the project (and of dhtl's data directory)",
  },
  EPERM: { reason: "operation not permitted", hint: "check the permissions and attributes of the file" },
  EROFS: { reason: "read-only file system", hint: "work on a writable copy of the project" },
  ENOSPC: { reason: "no space left on the device", hint: "free some disk space, then retry" },
  EDQUOT: { reason: "disk quota exceeded", hint: "free some space within your quota, then retry" },
};

/** The DhtlError (cannotWrite) for a refused write, or null for any other error. */
export function fileSystemError(error: unknown): DhtlError | null {
  if (!(error instanceof Error)) return null;
  const { code, path, dest } = error as NodeJS.ErrnoException & { dest?: string };
  const known = code === undefined ? undefined : REASONS[code];
  if (!known) return null;
  const where = dest ?? path;
  return new DhtlError("cannotWrite", `cannot write${where ? ` ${where}` : ""}: ${known.reason} (${code})`, {
    hint: `${known.hint}; nothing was changed`,
    cause: error,
  });
}

/** The same refusal seen in a tool's output (uv prints `… (os error 28)`), as a DhtlError, or null. */
export function fileSystemErrorInOutput(output: string): DhtlError | null {
  const os = /(?:os error|errno)\s*(\d+)/i.exec(output)?.[1];
  const byNumber: Record<string, string> = {
    "1": "EPERM",
    "13": "EACCES",
    "28": "ENOSPC",
    "30": "EROFS",
    "122": "EDQUOT",
  };
  const code = os ? byNumber[os] : undefined;
  if (!code) return null;
  const line =
    output
      .split("\n")
      .find((text) => /os error|errno/i.test(text))
      ?.trim() ?? "";
  const known = REASONS[code]!;
  return new DhtlError("cannotWrite", `cannot write: ${known.reason} (${code}): ${line}`, {
    hint: `${known.hint}; nothing was changed`,
  });
}
