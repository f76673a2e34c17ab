/**
 * The one door to @decimalturn/toml-patch (`migrate` and `standardize` both edit through it): change a
 * TOML document while keeping every comment, blank line and layout choice of what is not changed, and
 * write new tables as text we render ourselves (the library would put a new table as dotted keys at the
 * top). Every result is re-read by a strict TOML 1.0 parser before it is returned.
 */
import { parse as parseForPatch, patch, stringify, TomlFormat } from "@decimalturn/toml-patch";
import { DhtlError } from "../core/errors.js";
import { tryParseToml } from "./toml.js";
import { isTable, type Table } from "./toml-table.js";

/** A TOML value as dhtl writes it: no dates, no nulls. */
export type TomlPlain = string | boolean | number | TomlPlain[] | { [key: string]: TomlPlain };

/** Whether a parsed value is one dhtl can write back (no dates). */
export function isTomlPlain(value: unknown): value is TomlPlain {
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return true;
  if (Array.isArray(value)) return value.every(isTomlPlain);
  return isTable(value) && Object.values(value).every(isTomlPlain);
}

/** Keys to set in one table, by the table's path (`["tool", "ruff"]`). */
export interface TableEdit {
  table: string[];
  set: Record<string, TomlPlain>;
}

/** Applies `mutate` to the parsed document and writes the changes back into `text`. */
export function patchToml(text: string, mutate: (doc: Table) => void, file = "pyproject.toml"): string {
  const doc = parsedForPatch(text);
  mutate(doc);
  return checked(patch(text, doc, formatOf(text)), file);
}

/**
 * Sets keys of tables: keys of existing tables are patched in place; a table that does not exist yet is
 * appended as its own `[a.b]` section (extended inline when its parent is an inline table).
 */
export function editToml(text: string, edits: TableEdit[], file = "pyproject.toml"): string {
  if (edits.length === 0) return text;
  const doc = parsedForPatch(text);
  const appended: TableEdit[] = [];
  let patched = false;
  for (const edit of edits) {
    const found = lookup(doc, edit.table);
    if (found.kind === "blocked") {
      throw new DhtlError("badInput", `[${found.path.join(".")}] is not a table`, { file });
    }
    // A table that exists only as the parent of sub-tables (`[tool.ruff.lint]` without `[tool.ruff]`) has no
    // place for keys: patched in, they would land as dotted keys at the top of the file.
    if (found.kind === "missing" || isImplicit(found.table, text, edit.table)) appended.push(edit);
    else {
      Object.assign(found.table, edit.set);
      patched = true;
    }
  }
  let out = patched
    ? wrapLongArrays(patch(text, doc, formatOf(text, { noInlineTables: true })), edits)
    : text;
  for (const edit of appended) {
    const withSection = appendEditTable(out, edit);
    // A parent written as an inline table (`tool = { … }`) cannot gain a `[tool.x]` section: extend it inline.
    out = isValid(withSection) ? withSection : patchIn(out, edit);
  }
  return checked(out, file);
}

/** True when the table at `path` holds only sub-tables and no header of its own names it. */
function isImplicit(table: Table, text: string, path: string[]): boolean {
  if (!Object.values(table).every((value) => isTable(value))) return false;
  return !text.split(/\r?\n/).some((line) => sameHeader(line, path));
}

/** `[a.b]`, `[ a . "b" ]` … naming exactly `path`. */
function sameHeader(line: string, path: string[]): boolean {
  const header = /^\s*\[(?!\[)(.*)\]\s*(?:#.*)?$/.exec(line);
  if (!header?.[1]) return false;
  const keys = header[1].split(".").map((key) => key.trim().replace(/^"(.*)"$|^'(.*)'$/, "$1$2"));
  return keys.length === path.length && keys.every((key, i) => key === path[i]);
}

/**
 * Blank lines that removed keys leave in the table at `path`: none right under its header, at most one in a
 * row inside it. Other tables keep their layout.
 */
export function tidySection(text: string, path: string[]): string {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((line) => sameHeader(line, path));
  if (start < 0) return text;
  let end = lines.findIndex((line, i) => i > start && HEADER.test(line));
  if (end < 0) end = lines.length;
  const body = lines.slice(start + 1, end);
  const kept = body.filter((line, i) => {
    if (line.trim() !== "") return true;
    const previous = body[i - 1];
    // Drop a blank line right under the header and one following another blank line.
    return i > 0 && previous !== undefined && previous.trim() !== "";
  });
  return [...lines.slice(0, start + 1), ...kept, ...lines.slice(end)].join(newline);
}

/** Longest single-line array of two items an edit leaves as is; longer ones go one item per line. */
const WRAP_WIDTH = 100;

/**
 * Arrays that edits set and that came out on one long line are written one item per line (within the
 * edited table only, so a same-named key elsewhere is never touched).
 */
function wrapLongArrays(text: string, edits: TableEdit[]): string {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  for (const edit of edits) {
    const start = lines.findIndex((line) => sameHeader(line, edit.table));
    if (start < 0) continue;
    for (let i = start + 1; i < lines.length && !HEADER.test(lines[i] ?? ""); i++) {
      const line = lines[i] ?? "";
      for (const [key, value] of Object.entries(edit.set)) {
        // As new tables are written: more than two items, or a line too long to read, one item per line.
        if (!Array.isArray(value) || value.length < 2 || (value.length <= 2 && line.length <= WRAP_WIDTH))
          continue;
        const match = new RegExp(`^(\\s*)${escapeRegExp(quoteKey(key))}\\s*=\\s*\\[.*\\]\\s*$`).exec(line);
        if (match)
          lines[i] =
            `${match[1] ?? ""}${quoteKey(key)} = ${renderValue(value, true).replace(/\n/g, newline)}`;
      }
    }
  }
  return lines.join(newline);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const HEADER = /^\s*\[/;
const PROJECT_HEADER = /^\s*\[\s*"?project"?\s*[.\]]/;
const TOOL_HEADER = /^\s*\[\[?\s*"?tool"?\s*[.\]]/;

/**
 * Inserts a block of tables where PEP 621 tables conventionally sit: right after the existing `[project…]`
 * tables when there are some, else before the first `[tool…]` table (and the comment lines right above
 * it), else at the end.
 */
export function insertBeforeToolTables(text: string, block: string, file = "pyproject.toml"): string {
  if (block === "") return text;
  const lines = text.split("\n");
  const lastProject = lines.findLastIndex((line) => PROJECT_HEADER.test(line));
  let at =
    lastProject >= 0
      ? lines.findIndex((line, i) => i > lastProject && HEADER.test(line))
      : lines.findIndex((line) => TOOL_HEADER.test(line));
  if (at < 0) return appendBlock(text, block, file);
  const tableLine = at;
  while (at > 0 && /^\s*#/.test(lines[at - 1] ?? "")) at--;
  // Comments that open the file describe the file, not the table below them: they stay on top.
  if (at === 0) at = tableLine;
  const before = lines.slice(0, at).join("\n");
  const after = lines.slice(at).join("\n");
  const head = before === "" ? "" : before.endsWith("\n") ? `${before}\n` : `${before}\n\n`;
  const joined = `${head.replace(/\n\n\n+$/, "\n\n")}${block.trimEnd()}\n\n${after}`;
  return checked(joined, file);
}

/** Appends a block of tables at the end, separated by one blank line. */
export function appendBlock(text: string, block: string, file = "pyproject.toml"): string {
  if (block === "") return text;
  const trimmed = text.replace(/\n+$/, "");
  return checked(trimmed === "" ? `${block.trimEnd()}\n` : `${trimmed}\n\n${block.trimEnd()}\n`, file);
}

/** `[a.b]` followed by `key = value` lines; arrays of strings go one item per line. */
export function renderTable(
  path: string[],
  values: Record<string, TomlPlain>,
  arrayOfTables = false,
): string {
  const header = arrayOfTables ? `[[${path.map(quoteKey).join(".")}]]` : `[${path.map(quoteKey).join(".")}]`;
  const body = Object.entries(values).map(([key, value]) => `${quoteKey(key)} = ${renderValue(value, true)}`);
  return `${[header, ...body].join("\n")}\n`;
}

/** A TOML value; `multiline` puts each array item on its own line, as people write dependency lists. */
export function renderValue(value: TomlPlain, multiline = false): string {
  // toml-patch writes strings as TOML does (DEL and other controls escaped), not as JSON would.
  if (typeof value === "string") return stringify({ v: value }).replace(/^v = /, "").trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    if (multiline) return `[\n${value.map((v) => `    ${renderValue(v)},`).join("\n")}\n]`;
    return `[${value.map((v) => renderValue(v)).join(", ")}]`;
  }
  const entries = Object.entries(value).map(([k, v]) => `${quoteKey(k)} = ${renderValue(v)}`);
  return entries.length === 0 ? "{}" : `{ ${entries.join(", ")} }`;
}

export function quoteKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function parsedForPatch(text: string): Table {
  const doc: unknown = parseForPatch(text);
  if (!isTable(doc)) throw new DhtlError("internal", "toml-patch did not read a TOML table");
  return doc;
}

function formatOf(text: string, options: { noInlineTables?: boolean } = {}): TomlFormat {
  const format = TomlFormat.autoDetectFormat(text);
  // Trailing commas in inline tables are TOML 1.1 only: tools that read TOML 1.0 would reject the file.
  format.trailingComma = false;
  if (options.noInlineTables) format.inlineTableStart = Number.MAX_SAFE_INTEGER;
  return format;
}

/** A new `[a.b]` section at the end of the file (CRLF kept); arrays of more than two items one per line. */
function appendEditTable(text: string, edit: TableEdit): string {
  const lines = [`[${edit.table.map(quoteKey).join(".")}]`];
  for (const [key, value] of Object.entries(edit.set))
    lines.push(`${quoteKey(key)} = ${renderValue(value, Array.isArray(value) && value.length > 2)}`);
  const lf = text.replace(/\r\n/g, "\n");
  const separator = lf === "" ? "" : lf.endsWith("\n\n") ? "" : lf.endsWith("\n") ? "\n" : "\n\n";
  const block = `${separator}${lines.join("\n")}\n`;
  return text + (text.includes("\r\n") ? block.replace(/\n/g, "\r\n") : block);
}

function patchIn(text: string, edit: TableEdit): string {
  const doc = parsedForPatch(text);
  let node: Table = doc;
  for (const key of edit.table) {
    const next = node[key];
    const table: Table = isTable(next) ? next : {};
    node[key] = table;
    node = table;
  }
  Object.assign(node, edit.set);
  return patch(text, doc, formatOf(text, { noInlineTables: true }));
}

type Lookup = { kind: "table"; table: Table } | { kind: "missing" } | { kind: "blocked"; path: string[] };

/** Finds the table at `path`; "blocked" when a key on the way holds a value that is not a table. */
function lookup(doc: Table, path: string[]): Lookup {
  let node: Table = doc;
  for (const [index, key] of path.entries()) {
    const next = node[key];
    if (next === undefined) return { kind: "missing" };
    if (!isTable(next)) return { kind: "blocked", path: path.slice(0, index + 1) };
    node = next;
  }
  return { kind: "table", table: node };
}

function isValid(text: string): boolean {
  return tryParseToml(text).doc !== undefined;
}

function checked(text: string, file: string): string {
  const { problem } = tryParseToml(text);
  if (problem) {
    throw new DhtlError("internal", `editing produced invalid TOML: ${problem.reason}`, {
      file,
      hint: "Nothing was written. Please report this with the file attached.",
    });
  }
  return text;
}
