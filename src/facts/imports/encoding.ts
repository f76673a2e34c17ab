import { isAscii, isUtf8 } from "node:buffer";
import { DhtlError } from "../../core/errors.js";

/** PEP 263: `# -*- coding: latin-1 -*-`, `# vim: set fileencoding=utf-8 :` … */
const DECLARATION = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;
const BLANK_OR_COMMENT = /^[ \t\f]*(?:[#\r\n]|$)/;

/** Python codec names (after its own normalisation) that mean ISO-8859-1. */
const LATIN_1 = new Set([
  "latin_1",
  "latin1",
  "latin",
  "l1",
  "iso_8859_1",
  "iso8859_1",
  "iso_latin_1",
  "8859",
  "cp819",
  "csisolatin1",
  "iso_ir_100",
]);
const UTF_8 = new Set(["utf_8", "utf8", "u8", "utf", "cp65001", "utf_8_sig", "utf8_ucs2", "utf8_ucs4"]);

/**
 * Decodes a Python source file the way CPython does: a UTF-8 BOM, else a PEP 263 declaration on
 * line 1 (or line 2 when line 1 is blank or a comment), else UTF-8.
 * Throws DhtlError("badInput") for an unknown encoding or bytes invalid in the declared one.
 */
export function decodePythonSource(bytes: Uint8Array): string {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return decodeUtf8(bytes.subarray(3));
  const declared = declaredEncoding(bytes);
  if (declared === null) return decodeUtf8(bytes);
  const key = declared.toLowerCase().replace(/[^a-z0-9.]+/g, "_");
  if (UTF_8.has(key)) return decodeUtf8(bytes, "bytes are not valid UTF-8");
  // WHATWG maps "latin1" to windows-1252, which differs from Python's latin-1 in 0x80–0x9F.
  if (LATIN_1.has(key)) return decodeLatin1(bytes);
  for (const label of [declared, key.replace(/_/g, "-")]) {
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      continue;
    }
    try {
      return decoder.decode(bytes);
    } catch {
      throw new DhtlError("badInput", `bytes are not valid ${declared}`);
    }
  }
  throw new DhtlError("badInput", `unknown encoding declared: ${declared}`);
}

function declaredEncoding(bytes: Uint8Array): string | null {
  // The declaration is ASCII; latin-1 reads the first two lines without failing on other bytes.
  const head = decodeLatin1(bytes.subarray(0, 512));
  const lines = head.split("\n", 2);
  const first = lines[0] ?? "";
  const match = DECLARATION.exec(first);
  if (match) return match[1] ?? null;
  if (lines.length > 1 && BLANK_OR_COMMENT.test(first)) {
    return DECLARATION.exec(lines[1] ?? "")?.[1] ?? null;
  }
  return null;
}

function decodeUtf8(
  bytes: Uint8Array,
  message = "bytes are not valid UTF-8 and no encoding is declared (PEP 263)",
): string {
  // Most sources are ASCII: checked natively and copied as Latin-1, the same text, at a fraction of the cost.
  if (isAscii(bytes)) return decodeLatin1(bytes);
  // Valid UTF-8 decodes the same through Buffer (a BOM kept, as with `ignoreBOM`), with no TextDecoder to
  // set up on every run.
  if (!isUtf8(bytes)) throw new DhtlError("badInput", message);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
}

function decodeLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}
