/**
 * Adding and removing one requirement in a manifest's own dialect, keeping everything else byte for byte:
 * TOML through formats/toml-edit.ts (comments, order, array layout kept), requirements files line by line.
 * Pure: text in, text out.
 */
import { DhtlError } from "../core/errors.js";
import { parseToml, tryParseToml } from "../formats/toml.js";
import { editToml, patchToml, type TomlPlain } from "../formats/toml-edit.js";
import { type Table, tableAt } from "../formats/toml-table.js";
import { normalizeName } from "../pep/names.js";
import { formatRequirement, type Requirement } from "../pep/pep508.js";
import type { ManifestTarget } from "./manifest-target.js";

/** `text` with `requirement` in the target (replacing an entry of the same name); `text` null: a new file. */
export function addToManifest(text: string | null, target: ManifestTarget, requirement: Requirement): string {
  const name = normalizeName(requirement.name);
  if (target.format === "requirements") return addRequirementLine(text ?? "", requirement);
  const source = text ?? "";
  const doc = parsed(source, target.file);
  const table = tableAt(doc, target.table);
  if (target.format === "toml-array") {
    const line = formatRequirement(requirement);
    if (!table)
      return editToml(source, [{ table: target.table, set: { [target.key]: [line] } }], target.file);
    if (table[target.key] !== undefined && !Array.isArray(table[target.key])) throw notAList(target);
    const patched = patchToml(
      source,
      (patched) => {
        const into = tableAt(patched, target.table)!;
        const list = Array.isArray(into[target.key]) ? [...(into[target.key] as unknown[])] : [];
        const at = list.findIndex((entry) => entryName(entry) === name);
        if (at >= 0) list[at] = line;
        else list.push(line);
        into[target.key] = list as TomlPlain[];
      },
      target.file,
    );
    return table[target.key] === undefined ? withEntries(source, patched) : patched;
  }
  const value = tableValue(requirement);
  if (!table)
    return editToml(source, [{ table: target.table, set: { [requirement.name]: value } }], target.file);
  const existing = Object.keys(table).find((key) => normalizeName(key) === name);
  const patched = patchToml(
    source,
    (doc) => {
      tableAt(doc, target.table)![existing ?? requirement.name] = value;
    },
    target.file,
  );
  return existing === undefined ? withEntries(source, patched) : patched;
}

/**
 * toml-patch appends a new key after the last line of its table's span, and the comments (and blank lines)
 * in front of the next table's header are in that span: `# dev tools` above `[tool.poetry.group.dev…]` would
 * end up above the new dependency, and the blank line before the header gone. The new line goes right after
 * the table's last entry instead — when the result means exactly the same TOML.
 */
function withEntries(before: string, after: string): string {
  const old = before.split(/\r?\n/);
  const lines = after.split(/\r?\n/);
  if (lines.length !== old.length + 1) return after;
  let at = 0;
  while (at < old.length && old[at] === lines[at]) at++;
  if (lines.slice(at + 1).join("\n") !== old.slice(at).join("\n")) return after;
  let to = at;
  while (to > 0 && /^\s*(#.*)?$/.test(lines[to - 1] ?? "")) to--;
  if (to === at) return after;
  const moved = [...lines.slice(0, to), lines[at]!, ...lines.slice(to, at), ...lines.slice(at + 1)];
  const text = moved.join(after.includes("\r\n") ? "\r\n" : "\n");
  const same = tryParseToml(text).doc;
  return same && JSON.stringify(same) === JSON.stringify(tryParseToml(after).doc) ? text : after;
}

/** `text` without any entry named `name` in the target, and the entries removed (as written). */
export function removeFromManifest(
  text: string,
  target: ManifestTarget,
  name: string,
): { text: string; removed: string[] } {
  const wanted = normalizeName(name);
  if (target.format === "requirements") return removeRequirementLines(text, wanted);
  const table = tableAt(parsed(text, target.file), target.table);
  if (!table) return { text, removed: [] };
  if (target.format === "toml-array") {
    const list = table[target.key];
    if (list === undefined) return { text, removed: [] };
    if (!Array.isArray(list)) throw notAList(target);
    const removed = list.filter((entry) => entryName(entry) === wanted).map(String);
    if (removed.length === 0) return { text, removed };
    const next = patchToml(
      text,
      (patched) => {
        const into = tableAt(patched, target.table)!;
        into[target.key] = (into[target.key] as TomlPlain[]).filter((entry) => entryName(entry) !== wanted);
      },
      target.file,
    );
    return { text: next, removed };
  }
  const keys = Object.keys(table).filter((key) => normalizeName(key) === wanted);
  if (keys.length === 0) return { text, removed: [] };
  const next = patchToml(
    text,
    (patched) => {
      const from = tableAt(patched, target.table)!;
      for (const key of keys) delete from[key];
    },
    target.file,
  );
  return { text: next, removed: keys.map((key) => `${key} = ${JSON.stringify(table[key])}`) };
}

/**
 * Poetry's and Pipfile's form of a requirement: a constraint string (`"*"` for any version), or an inline
 * table when it has extras or markers.
 */
export function tableValue(requirement: Requirement): TomlPlain {
  const version = requirement.specifier || "*";
  if (requirement.extras.length === 0 && requirement.marker === null) return version;
  const value: Record<string, TomlPlain> = { version };
  if (requirement.extras.length > 0) value.extras = [...requirement.extras];
  if (requirement.marker !== null) value.markers = requirement.marker;
  return value;
}

/** The distribution an array entry names (a PEP 508 string), or null for anything else (include tables). */
function entryName(entry: unknown): string | null {
  if (typeof entry !== "string") return null;
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(entry);
  return match?.[1] ? normalizeName(match[1]) : null;
}

function parsed(text: string, file: string): Table {
  return parseToml(text, file, "fix the file first; nothing was changed");
}

function notAList(target: Extract<ManifestTarget, { format: "toml-array" }>): DhtlError {
  return new DhtlError("badInput", `${target.label} is not a list of requirements`, { file: target.file });
}

// ---------------------------------------------------------------- requirements files

interface RequirementEntry {
  /** 0-based index of its first and last physical line. */
  first: number;
  last: number;
  name: string | null;
}

/** The file's requirement entries, continuation lines included, with the name each starts with. */
function requirementEntries(lines: string[]): RequirementEntry[] {
  const entries: RequirementEntry[] = [];
  let index = 0;
  while (index < lines.length) {
    const first = index;
    while (index < lines.length - 1 && (lines[index] ?? "").endsWith("\\") && !/^\s*#/.test(lines[index]!))
      index++;
    const text = (lines[first] ?? "").replace(/(^|\s)#.*$/, "").trim();
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?=$|[\s[<>=!~;@\\])/.exec(text);
    entries.push({ first, last: index, name: match?.[1] ? normalizeName(match[1]) : null });
    index++;
  }
  return entries;
}

function addRequirementLine(text: string, requirement: Requirement): string {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const line = formatRequirement(requirement);
  const existing = requirementEntries(lines).find((entry) => entry.name === normalizeName(requirement.name));
  if (existing) {
    // The entry's own comment (`six==1.16  # pinned: …`) stays with it; its hashes go with the old pin.
    const comment = existing.first === existing.last ? /\s+#.*$/.exec(lines[existing.first] ?? "") : null;
    lines.splice(existing.first, existing.last - existing.first + 1, `${line}${comment?.[0] ?? ""}`);
    return lines.join(newline);
  }
  const body = text === "" || text.endsWith("\n") ? text : `${text}${newline}`;
  return `${body}${line}${newline}`;
}

function removeRequirementLines(text: string, name: string): { text: string; removed: string[] } {
  const newline = text.includes("\r\n") ? "\r\n" : "\n";
  const lines = text.split(/\r?\n/);
  const matching = requirementEntries(lines).filter((entry) => entry.name === name);
  if (matching.length === 0) return { text, removed: [] };
  const removed: string[] = [];
  for (const entry of [...matching].reverse()) {
    removed.unshift(lines.slice(entry.first, entry.last + 1).join("\n"));
    lines.splice(entry.first, entry.last - entry.first + 1);
  }
  return { text: lines.join(newline), removed };
}
