/**
 * Bytes of a project file to text, the way the tools that own the format read it, and never silently:
 *
 * - a byte-order mark decides first, as pip's `auto_decode` does: UTF-8, UTF-16 (LE/BE), UTF-32 (LE/BE);
 * - otherwise a `coding:` declaration on one of the first two lines (pip, and PEP 263 for setup.py), except in
 *   formats that are UTF-8 by definition (TOML, JSON, YAML, lock files);
 * - otherwise UTF-8, strictly: an invalid byte is an error naming the file and its line (TOML requires UTF-8,
 *   and pip fails the same way), never a U+FFFD slipped into a package name or a string.
 *
 * NUL bytes without a BOM still mean "binary".
 */
import { isUtf8 } from "node:buffer";
import { TextDecoder } from "node:util";
import { DhtlError } from "./errors.js";

const UTF8_ONLY = /\.(toml|json|ya?ml|lock)$/i;

export function decodeProjectText(buffer: Uint8Array, displayPath: string): string {
  const bom = byteOrderMark(buffer);
  if (bom) return decodeStrictly(buffer.subarray(bom.length), bom.encoding, displayPath);
  if (buffer.includes(0)) {
    throw new DhtlError("badInput", "file is binary (contains NUL bytes), expected text", {
      file: displayPath,
    });
  }
  const declared = UTF8_ONLY.test(displayPath) ? null : codingDeclaration(buffer);
  return decodeStrictly(buffer, declared ?? "utf-8", displayPath);
}

function byteOrderMark(b: Uint8Array): { encoding: string; length: number } | null {
  // UTF-32 before UTF-16: FF FE 00 00 starts with the UTF-16 LE mark.
  if (b[0] === 0xff && b[1] === 0xfe && b[2] === 0 && b[3] === 0) return { encoding: "utf-32le", length: 4 };
  if (b[0] === 0 && b[1] === 0 && b[2] === 0xfe && b[3] === 0xff) return { encoding: "utf-32be", length: 4 };
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: "utf-8", length: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { encoding: "utf-16le", length: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { encoding: "utf-16be", length: 2 };
  return null;
}

/** `# -*- coding: latin-1 -*-` on line 1 or 2 (pip's and PEP 263's pattern), or null. */
function codingDeclaration(buffer: Uint8Array): string | null {
  const head = Buffer.from(buffer.subarray(0, 400)).toString("latin1").split(/\r?\n/).slice(0, 2);
  for (const line of head) {
    const match = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/.exec(line);
    if (match) return pythonCodecLabel(match[1]!);
  }
  return null;
}

/** Python's codec names as WHATWG labels (`latin-1` → `latin1`, `utf_8_sig` → `utf-8`). */
function pythonCodecLabel(name: string): string {
  const label = name.toLowerCase().replace(/_/g, "-");
  const aliases: Record<string, string> = {
    "latin-1": "latin1",
    l1: "latin1",
    "iso-latin-1": "latin1",
    utf8: "utf-8",
    "utf-8-sig": "utf-8",
    u8: "utf-8",
  };
  return aliases[label] ?? label;
}

function decodeStrictly(bytes: Uint8Array, encoding: string, displayPath: string): string {
  if (encoding === "utf-32le" || encoding === "utf-32be") return decodeUtf32(bytes, encoding, displayPath);
  // Valid UTF-8, nearly every file, decodes the same through Buffer (a BOM kept, as with `ignoreBOM`); a
  // first TextDecoder costs milliseconds to set up on every run.
  if (encoding === "utf-8" && isUtf8(bytes)) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  } catch {
    throw new DhtlError("badInput", `declares the encoding ${JSON.stringify(encoding)}, which is unknown`, {
      file: displayPath,
      line: 1,
    });
  }
  try {
    return decoder.decode(bytes);
  } catch {
    const at = encoding === "utf-8" ? firstInvalidUtf8(bytes) : 0;
    const line = lineAtByte(bytes, at);
    const what = encoding === "utf-8" ? `byte 0x${(bytes[at] ?? 0).toString(16).padStart(2, "0")}` : "bytes";
    throw new DhtlError("badInput", `not valid ${encoding.toUpperCase()} text (${what})`, {
      file: displayPath,
      line,
      hint: encoding === "utf-8" ? "save the file as UTF-8" : `save the file in ${encoding} or as UTF-8`,
    });
  }
}

function decodeUtf32(bytes: Uint8Array, encoding: "utf-32le" | "utf-32be", displayPath: string): string {
  if (bytes.length % 4 !== 0) {
    throw new DhtlError("badInput", "not valid UTF-32 text (length)", { file: displayPath });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let text = "";
  for (let i = 0; i < bytes.length; i += 4) {
    const code = view.getUint32(i, encoding === "utf-32le");
    if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
      throw new DhtlError("badInput", "not valid UTF-32 text", { file: displayPath });
    }
    text += String.fromCodePoint(code);
  }
  return text;
}

/** Offset of the first byte that does not start (or continue) a valid UTF-8 sequence. */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const byte = b[i]!;
    const length =
      byte < 0x80
        ? 1
        : byte >= 0xc2 && byte <= 0xdf
          ? 2
          : byte >= 0xe0 && byte <= 0xef
            ? 3
            : byte >= 0xf0 && byte <= 0xf4
              ? 4
              : 0;
    if (length === 0) return i;
    for (let k = 1; k < length; k++) {
      const next = b[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += length;
  }
  return Math.max(0, b.length - 1);
}

function lineAtByte(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}
