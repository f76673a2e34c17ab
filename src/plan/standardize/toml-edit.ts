/**
 * The one door to @decimalturn/toml-patch: edits a TOML document while keeping every comment, blank line and
 * layout choice of what it does not change. Keys of existing tables are patched in place; a table that does not
 * exist yet is appended as its own `[a.b]` section (the library would otherwise write it as an inline dotted
 * key at the top of the file).
 */
import { parse as parseForPatch, patch, stringify, TomlFormat } from "@decimalturn/toml-patch";
import { parse as parseStrict } from "smol-toml";
import { DhtlError } from "../../core/errors.js";
import { isTable } from "../../formats/toml-table.js";

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
    const found = lookup(doc, edit.table);
    if (found.kind === "blocked") {
      throw new DhtlError("badInput", `[${found.path.join(".")}] is not a table`, { file });
    }
    if (found.kind === "missing") appended.push(edit);
    else {
      Object.assign(found.table, edit.set);
      patched = true;
    }
  }
  let out = patched ? patch(text, doc, formatOf(text)) : text;
  for (const edit of appended) {
    const withSection = appendTable(out, edit);
    // A parent written as an inline table (`tool = { … }`) cannot gain a `[tool.x]` section: extend it inline.
    out = isValid(withSection) ? withSection : patchIn(out, edit);
  }
  if (!isValid(out)) {
    throw new DhtlError("internal", "editing produced invalid TOML", {
      file,
      hint: "The file was not written. Please report this with the file attached.",
    });
  }
  return out;
}

function patchIn(text: string, edit: TableEdit): string {
  const doc = parseForPatch(text) as Record<string, unknown>;
  let node: Record<string, unknown> = doc;
  for (const key of edit.table) {
    const next = node[key];
    node[key] = isTable(next) ? next : {};
    node = node[key] as Record<string, unknown>;
  }
  Object.assign(node, edit.set);
  return patch(text, doc, formatOf(text));
}

function isValid(text: string): boolean {
  try {
    parseStrict(text);
    return true;
  } catch {
    return false;
  }
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
  const lf = text.replace(/\r\n/g, "\n");
  const separator = lf === "" ? "" : lf.endsWith("\n\n") ? "" : lf.endsWith("\n") ? "\n" : "\n\n";
  const block = `${separator}${lines.join("\n")}\n`;
  // A CRLF file stays CRLF.
  return text + (text.includes("\r\n") ? block.replace(/\n/g, "\r\n") : block);
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

type Lookup =
  | { kind: "table"; table: Record<string, unknown> }
  | { kind: "missing" }
  | { kind: "blocked"; path: string[] };

/** Finds the table at `path`; "blocked" when a key on the way holds a value that is not a table. */
function lookup(doc: Record<string, unknown>, path: string[]): Lookup {
  let node: Record<string, unknown> = doc;
  for (const [index, key] of path.entries()) {
    const next = node[key];
    if (next === undefined) return { kind: "missing" };
    if (!isTable(next)) return { kind: "blocked", path: path.slice(0, index + 1) };
    node = next;
  }
  return { kind: "table", table: node };
}
