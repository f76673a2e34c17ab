/**
 * The one door to @decimalturn/toml-patch: edits a TOML document while keeping every comment, blank line and
 * layout choice of what it does not change. Keys of existing tables are patched in place; a table that does not
 * exist yet is appended as its own `[a.b]` section (the library would otherwise write it as an inline dotted
 * key at the top of the file).
 */
import { parse as parseForPatch, patch, stringify, TomlFormat } from "@decimalturn/toml-patch";
import { parse as parseStrict } from "smol-toml";
import { DhtlError } from "../core/errors.js";

export type TomlValue = string | number | boolean | TomlValue[];

/** Keys to set in one table, by the table's path (`["tool", "ruff"]`). */
export interface TableEdit {
  table: string[];
  set: Record<string, TomlValue>;
}

/** Applies the edits and returns the new text; the result is re-read by a strict parser before it is returned. */
export function editToml(text: string, edits: TableEdit[], file = "pyproject.toml"): string {
  if (edits.length === 0) return text;
  const doc = parseForPatch(text) as Record<string, unknown>;
  const appended: TableEdit[] = [];
  let patched = false;
  for (const edit of edits) {
    const target = lookup(doc, edit.table);
    if (target === undefined) appended.push(edit);
    else if (isTable(target)) {
      Object.assign(target, edit.set);
      patched = true;
    } else {
      throw new DhtlError("badInput", `[${edit.table.join(".")}] is not a table`, { file });
    }
  }
  let out = patched ? patch(text, doc, formatOf(text)) : text;
  for (const edit of appended) out = appendTable(out, edit);
  try {
    parseStrict(out);
  } catch (error) {
    throw new DhtlError(
      "internal",
      `editing produced invalid TOML: ${(error as Error).message.split("\n")[0]}`,
      {
        file,
        hint: "The file was not written. Please report this with the file attached.",
      },
    );
  }
  return out;
}

function formatOf(text: string): TomlFormat {
  const format = TomlFormat.autoDetectFormat(text);
  // Trailing commas in inline tables are TOML 1.1 only: tools that read TOML 1.0 would reject the file.
  format.trailingComma = false;
  format.inlineTableStart = Number.MAX_SAFE_INTEGER;
  return format;
}

function appendTable(text: string, edit: TableEdit): string {
  const lines = [`[${edit.table.map(quoteKey).join(".")}]`];
  for (const [key, value] of Object.entries(edit.set)) lines.push(`${quoteKey(key)} = ${renderValue(value)}`);
  const separator = text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
  return `${text}${separator}${lines.join("\n")}\n`;
}

/** Arrays of more than two items go one per line, the way people write dependency lists. */
function renderValue(value: TomlValue): string {
  if (Array.isArray(value) && value.length > 2)
    return `[\n${value.map((v) => `    ${renderValue(v)},`).join("\n")}\n]`;
  if (Array.isArray(value)) return `[${value.map(renderValue).join(", ")}]`;
  return stringify({ v: value }).replace(/^v = /, "").trim();
}

function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function lookup(doc: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = doc;
  for (const key of path) {
    if (!isTable(node)) return undefined;
    node = node[key];
  }
  return node;
}

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);
}
