/**
 * The one door `migrate` uses to @decimalturn/toml-patch: change a TOML document while keeping every
 * comment, blank line and layout choice of what is not changed, and write new tables as text we render
 * ourselves (the library would put a new table as dotted keys at the top). Every result is re-read by a
 * strict TOML 1.0 parser before it is returned.
 */
import { parse as parseForPatch, patch, TomlFormat } from "@decimalturn/toml-patch";
import { parse as parseStrict } from "smol-toml";
import { DhtlError } from "../core/errors.js";

/** A TOML value as dhtl writes it: no dates, no nulls. */
export type TomlPlain = string | boolean | number | TomlPlain[] | { [key: string]: TomlPlain };

export type TomlDoc = Record<string, unknown>;

/** Applies `mutate` to the parsed document and writes the changes back into `text`. */
export function patchToml(text: string, mutate: (doc: TomlDoc) => void, file = "pyproject.toml"): string {
  const doc = parseForPatch(text) as TomlDoc;
  mutate(doc);
  const format = TomlFormat.autoDetectFormat(text);
  // Trailing commas in inline tables are TOML 1.1 only; TOML 1.0 readers would reject the file.
  format.trailingComma = false;
  return checked(patch(text, doc, format), file);
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
  if (typeof value === "string") return JSON.stringify(value);
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

function checked(text: string, file: string): string {
  try {
    parseStrict(text);
  } catch (error) {
    throw new DhtlError(
      "internal",
      `editing produced invalid TOML: ${(error as Error).message.split("\n")[0]}`,
      {
        file,
        hint: "Nothing was written. Please report this with the file attached.",
      },
    );
  }
  return text;
}
