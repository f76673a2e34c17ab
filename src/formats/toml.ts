/**
 * The one door to reading TOML (smol-toml): a document comes back as a `Table` of plain values, to be read
 * with the checked accessors of toml-table.ts rather than cast, and a syntax error comes back as a
 * reason and a line, or as a DhtlError naming the file.
 */
import { parse, TomlError } from "smol-toml";
import { DhtlError } from "../core/errors.js";
import type { Table } from "./toml-table.js";

/** Why a text is not TOML: smol-toml's reason (its first line, without its prefix) and the line. */
export interface TomlProblem {
  reason: string;
  line: number | null;
}

export type TomlReadResult = { doc: Table; problem?: undefined } | { doc?: undefined; problem: TomlProblem };

/** Parses a TOML document, or says why it is not one. */
export function tryParseToml(text: string): TomlReadResult {
  try {
    return { doc: parse(text) };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    // smol-toml's message repeats a code excerpt after the first line; the first line is the reason.
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document:\s*/, "") || "invalid TOML";
    return { problem: { reason, line: error.line ?? null } };
  }
}

/** Parses a TOML document, or throws `badInput` (`invalid TOML: …`) naming the file and line. */
export function parseToml(
  text: string,
  file: string,
  hint = "Fix the TOML syntax (https://toml.io) and run again.",
): Table {
  const result = tryParseToml(text);
  if (result.doc) return result.doc;
  throw new DhtlError("badInput", `invalid TOML: ${result.problem.reason}`, {
    file,
    line: result.problem.line ?? undefined,
    hint,
  });
}
