/**
 * Shared helpers for the pyproject.toml dialect readers: type guards over parsed TOML, line lookup
 * (smol-toml gives values without positions, so lines are found by searching the text), and the
 * small context every dialect reader fills.
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { redactUrlsIn } from "../../../core/redact.js";
import { isTable, type Table } from "../../../formats/toml-table.js";
import { Pep508Error, parseRequirement } from "../../../pep/pep508.js";
import type { Dependency, ManifestFacts, PyprojectDetails, ReadContext } from "../types.js";

export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

/** Finds the 1-based lines of TOML keys, table headers and string values in the original text. */
export class TomlLines {
  private readonly lines: string[];

  constructor(text: string) {
    this.lines = text.split(/\r\n|\n|\r/);
  }

  /** Line of a `[a.b]` / `[[a.b]]` header, tolerant of spaces and quoted keys. */
  table(path: string[]): number | null {
    const wanted = path.join(".");
    for (let i = 0; i < this.lines.length; i++) {
      const m = /^\s*\[\[?([^\]]+)\]\]?\s*(#.*)?$/.exec(this.lines[i] ?? "");
      if (!m) continue;
      const header = (m[1] ?? "")
        .split(".")
        .map((part) => part.trim().replace(/^["']|["']$/g, ""))
        .join(".");
      if (header === wanted) return i + 1;
    }
    return null;
  }

  /** Line where `key =` is written, searching from the table's header (or the file start). */
  key(key: string, tablePath: string[] = []): number | null {
    const start = tablePath.length > 0 ? (this.table(tablePath) ?? 1) : 1;
    const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const pattern = new RegExp(`^\\s*(?:[\\w.-]+\\.)?(?:${escaped}|"${escaped}"|'${escaped}')\\s*=`);
    for (let i = start - 1; i < this.lines.length; i++) {
      if (pattern.test(this.lines[i] ?? "")) return i + 1;
    }
    // Dotted keys inside another table (`project.dependencies = …`) or inline tables.
    return this.value(key, start);
  }

  /** Line of the first quoted occurrence of `value` at or after line `from`. */
  value(value: string, from = 1): number | null {
    for (let i = Math.max(from - 1, 0); i < this.lines.length; i++) {
      const line = this.lines[i] ?? "";
      if (line.includes(`"${value}"`) || line.includes(`'${value}'`)) return i + 1;
    }
    for (let i = Math.max(from - 1, 0); i < this.lines.length; i++) {
      if ((this.lines[i] ?? "").includes(value)) return i + 1;
    }
    return null;
  }
}

/** State shared by the dialect readers of one pyproject.toml. */
export interface DialectInput {
  doc: Table;
  file: string;
  lines: TomlLines;
  ctx: ReadContext;
  manifest: ManifestFacts;
  /** The manifest's `details.pyproject`, which the dialect readers fill. */
  details: PyprojectDetails;
}

/** Why `text` is not a valid PEP 508 requirement, or null when it is one. */
export function requirementProblem(text: string): string | null {
  try {
    parseRequirement(text);
    return null;
  } catch (error) {
    if (error instanceof Pep508Error) return error.message;
    throw error;
  }
}

/** Builds a Dependency from a PEP 508 string, adding a diagnostic when it is not valid PEP 508. */
export function dependencyFrom(
  requirement: string,
  input: DialectInput,
  line: number | null,
  editable = false,
): Dependency | null {
  const text = requirement.trim();
  const problem = requirementProblem(text);
  if (problem) {
    input.manifest.diagnostics.push(
      diagnostic("error", input.file, `not a valid requirement: '${requirement}' (${problem})`, line),
    );
    return null;
  }
  const dep: Dependency = { requirement: redactUrlsIn(text), file: input.file, line };
  if (editable) dep.editable = true;
  return dep;
}

/**
 * Reads a TOML array of PEP 508 strings, with the line of each. Non-string entries become diagnostics
 * naming the field; a non-array value becomes one diagnostic.
 */
export function requirementList(
  value: unknown,
  field: string,
  input: DialectInput,
  fieldLine: number | null,
): Dependency[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    input.manifest.diagnostics.push(
      diagnostic("error", input.file, `${field} must be an array of requirement strings`, fieldLine),
    );
    return [];
  }
  const deps: Dependency[] = [];
  for (const entry of value) {
    if (typeof entry !== "string") {
      input.manifest.diagnostics.push(
        diagnostic(
          "error",
          input.file,
          `${field}: expected a requirement string, got ${describe(entry)}`,
          lineOfNonString(entry, input, fieldLine ?? 1),
        ),
      );
      continue;
    }
    const dep = dependencyFrom(entry, input, input.lines.value(entry, fieldLine ?? 1));
    if (dep) deps.push(dep);
  }
  return deps;
}

function lineOfNonString(entry: unknown, input: DialectInput, from: number): number | null {
  if (typeof entry === "number" || typeof entry === "boolean")
    return input.lines.value(String(entry), from) ?? from;
  return from;
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (isTable(value)) return "a table";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Appends dependencies to a named group, keeping the first entry of a duplicated requirement. */
export function addToGroup(groups: Record<string, Dependency[]>, group: string, deps: Dependency[]): void {
  const list = groups[group] ?? [];
  for (const dep of deps) {
    if (!list.some((existing) => existing.requirement === dep.requirement)) list.push(dep);
  }
  groups[group] = list;
}
