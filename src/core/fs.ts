import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { DhtlError } from "./errors.js";
import { decodeProjectText } from "./text-decoding.js";

/** Larger files are not project manifests; refusing them keeps a stray dump from stalling analysis. */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

/**
 * Writes a file atomically: a temporary sibling is written and fsynced, then renamed over the target,
 * so a reader (or a crash) sees either the old content or the new one, never half.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
    const fd = openSync(tmp, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/**
 * Reads a text file the user owns, turning every way it can go wrong into a DhtlError naming the file:
 * missing, unreadable, a directory, too large, or binary.
 */
export async function readTextFile(absPath: string, displayPath: string = absPath): Promise<string> {
  checkReadable(absPath, displayPath);
  let buffer: Buffer;
  try {
    buffer = await readFile(absPath);
  } catch (error) {
    throw fsError(error, displayPath);
  }
  return decodeText(buffer, displayPath);
}

/** Synchronous twin of readTextFile, for readers that follow includes. */
export function readTextFileSync(absPath: string, displayPath: string = absPath): string {
  checkReadable(absPath, displayPath);
  let buffer: Buffer;
  try {
    buffer = readFileSync(absPath);
  } catch (error) {
    throw fsError(error, displayPath);
  }
  return decodeText(buffer, displayPath);
}

/** Refuses directories and oversized files before any byte is read. */
function checkReadable(absPath: string, displayPath: string): void {
  let size: number;
  try {
    const stat = statSync(absPath);
    if (stat.isDirectory())
      throw new DhtlError("badInput", "is a directory, expected a file", { file: displayPath });
    size = stat.size;
  } catch (error) {
    if (error instanceof DhtlError) throw error;
    throw fsError(error, displayPath);
  }
  if (size > MAX_MANIFEST_BYTES) {
    throw new DhtlError("badInput", `file is too large (${size} bytes, limit ${MAX_MANIFEST_BYTES})`, {
      file: displayPath,
    });
  }
}

function decodeText(buffer: Buffer, displayPath: string): string {
  return decodeProjectText(buffer, displayPath);
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function fsError(error: unknown, file: string): DhtlError {
  const code = (error as NodeJS.ErrnoException).code;
  const message =
    code === "ENOENT"
      ? "file not found"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "ELOOP"
          ? "symbolic link loop"
          : `cannot read (${code ?? String(error)})`;
  return new DhtlError("badInput", message, { file, cause: error });
}

/** 1-based line number of a character offset, for error messages. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * `use` on the file opened for reading, which is closed afterwards; null when it cannot be opened or `use`
 * throws (a read error).
 */
export function readingFile<T>(path: string, use: (fd: number) => T): T | null {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return null;
  }
  try {
    return use(fd);
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** The first `count` bytes of a file (fewer when it is shorter), or null when it cannot be read. */
export function readFileHead(path: string, count: number): Buffer | null {
  return readingFile(path, (fd) => {
    const head = Buffer.alloc(count);
    return head.subarray(0, readSync(fd, head, 0, count, 0));
  });
}

/**
 * True for a regular file with an execute bit (any file on Windows, where PATHEXT decides). Most PATH
 * lookups miss, so a missing file builds no ENOENT error object (hundreds per `analyze`).
 */
export function isExecutableFile(path: string): boolean {
  try {
    const stat = statSync(path, { throwIfNoEntry: false });
    return stat?.isFile() === true && (process.platform === "win32" || (stat.mode & 0o111) !== 0);
  } catch {
    return false;
  }
}
