/**
 * An INI reader that reads files the way Python's `configparser.ConfigParser()` (strict, defaults) does,
 * because that is how setuptools reads `setup.cfg`:
 * - `[section]` headers (names case-sensitive), `key = value` or `key: value` (split at the first delimiter);
 * - option names case-insensitive (lower-cased, like `optionxform`);
 * - a value continues on every following line indented deeper than its key, blank lines included;
 * - full-line comments start with `#` or `;` (also inside a continued value, where they are skipped);
 * - no inline comments unless asked for: setuptools keeps the default, and `;` starts PEP 508 markers;
 * - duplicate sections or options, an option before any section, or a line without a delimiter are errors.
 * `%(name)s` interpolation is not expanded: values are returned raw.
 */
import { DhtlError } from "../core/errors.js";

export interface IniValueLine {
  text: string;
  line: number;
}

export interface IniOption {
  /** Lower-cased option name. */
  name: string;
  /** The value as configparser returns it: lines joined with `\n`, trailing blank lines dropped. */
  value: string;
  /** Line of the `key = value` line. */
  line: number;
  /** Each non-empty line of the value (the first one may be empty text for a dangling list) with its line. */
  lines: IniValueLine[];
}

export interface IniSection {
  name: string;
  line: number;
  options: Map<string, IniOption>;
}

export interface IniDocument {
  /** Sections in file order; `DEFAULT` is kept apart and not inherited here. */
  sections: Map<string, IniSection>;
  defaults: IniSection | null;
}

export interface IniOptions {
  /** Prefixes that start an inline comment when preceded by whitespace (configparser's `inline_comment_prefixes`). */
  inlineCommentPrefixes?: string[];
}

const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Parses INI text; throws DhtlError("badInput", …, {file, line}) on the first line configparser would reject. */
export function parseIni(text: string, file: string, options: IniOptions = {}): IniDocument {
  const inlinePrefixes = options.inlineCommentPrefixes ?? [];
  const sections = new Map<string, IniSection>();
  let defaults: IniSection | null = null;
  let current: IniSection | null = null;
  let option: (IniOption & { raw: string[] }) | null = null;
  let indentLevel = Number.POSITIVE_INFINITY;
  const fail = (line: number, message: string): never => {
    throw new DhtlError("badInput", message, {
      file,
      line,
      hint: "Fix the INI syntax; Python's configparser would reject this file too.",
    });
  };
  const finish = () => {
    if (option && current) current.options.set(option.name, toOption(option));
    option = null;
  };

  const lines = text.split(/\r\n|\n|\r/);
  for (let index = 0; index < lines.length; index++) {
    const lineNo = index + 1;
    const raw = lines[index] ?? "";
    const isComment = raw.trim().startsWith("#") || raw.trim().startsWith(";");
    const value = isComment ? "" : stripInlineComment(raw, inlinePrefixes).trim();
    if (value === "") {
      // configparser keeps blank lines inside a value (not comment lines); trailing ones are trimmed later.
      if (!isComment && option) option.raw.push("");
      continue;
    }
    const indent = raw.length - raw.trimStart().length;
    if (option && indent > indentLevel) {
      option.raw.push(value);
      option.lines.push({ text: value, line: lineNo });
      continue;
    }
    indentLevel = indent;
    const header = /^\[(.+)\]/.exec(value);
    if (header) {
      finish();
      const name = header[1] ?? "";
      if (name === "DEFAULT") {
        // configparser reopens [DEFAULT] silently; a repeated option inside it is still an error.
        defaults ??= { name, line: lineNo, options: new Map() };
        current = defaults;
        continue;
      }
      if (sections.has(name))
        fail(lineNo, `section [${name}] already exists (line ${sections.get(name)?.line})`);
      current = { name, line: lineNo, options: new Map() };
      sections.set(name, current);
      continue;
    }
    if (!current) fail(lineNo, "file contains no section headers before this line");
    const match = OPTION.exec(value);
    const name = match?.[1]?.trimEnd().toLowerCase() ?? "";
    if (!match || name === "") fail(lineNo, `expected 'key = value' or a [section] header, got '${value}'`);
    finish();
    const section = current as IniSection;
    const previous = section.options.get(name);
    if (previous)
      fail(lineNo, `option '${name}' in section [${section.name}] already exists (line ${previous.line})`);
    const first = (match?.[3] ?? "").trim();
    option = {
      name,
      value: "",
      line: lineNo,
      lines: first === "" ? [] : [{ text: first, line: lineNo }],
      raw: [first],
    };
  }
  finish();
  return { sections, defaults };
}

function toOption(option: IniOption & { raw: string[] }): IniOption {
  return {
    name: option.name,
    value: option.raw.join("\n").trimEnd(),
    line: option.line,
    lines: option.lines,
  };
}

/** configparser's rule: an inline comment prefix counts only at the start or after whitespace. */
function stripInlineComment(line: string, prefixes: string[]): string {
  if (prefixes.length === 0) return line;
  let cut = line.length;
  for (const prefix of prefixes) {
    let at = line.indexOf(prefix);
    while (at !== -1) {
      if (at === 0 || /\s/.test(line[at - 1] ?? "")) {
        cut = Math.min(cut, at);
        break;
      }
      at = line.indexOf(prefix, at + 1);
    }
  }
  return line.slice(0, cut);
}

/** Option value from a section, or undefined. */
export function iniGet(doc: IniDocument, section: string, name: string): IniOption | undefined {
  return doc.sections.get(section)?.options.get(name.toLowerCase());
}
