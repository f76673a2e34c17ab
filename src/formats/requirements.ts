/**
 * The pip requirements file format (`requirements.txt`, `*.in`, hashed locks as `uv pip compile` and
 * `uv export` write them): its lines, read once the way pip reads them, for the manifest reader
 * (src/facts/manifests/requirements/) and for the locks validate-env checks against.
 */
import { DhtlError } from "../core/errors.js";
import { isValidDistributionName, normalizeName } from "../pep/names.js";

/** One logical line: continuation lines joined, comments removed; `line` is where it starts (1-based). */
export interface LogicalLine {
  text: string;
  line: number;
}

/** Joins `\` continuations and drops comments and blank lines, as pip's `join_lines`/`ignore_comments`. */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  const physical = text.split(/\r?\n/);
  let pending: string[] = [];
  let pendingStart = 0;
  physical.forEach((raw, index) => {
    const isComment = /^\s*#/.test(raw);
    if (raw.endsWith("\\") && !isComment) {
      if (pending.length === 0) pendingStart = index + 1;
      pending.push(raw.slice(0, -1));
      return;
    }
    const joined = pending.length ? `${pending.join("")}${isComment ? "" : raw}` : raw;
    const start = pending.length ? pendingStart : index + 1;
    pending = [];
    const stripped = stripComment(joined).trim();
    if (stripped) out.push({ text: stripped, line: start });
  });
  if (pending.length) {
    const stripped = stripComment(pending.join("")).trim();
    if (stripped) out.push({ text: stripped, line: pendingStart });
  }
  return out;
}

/** pip's comment rule: `#` at the start of the line or after whitespace (so `#egg=` in a URL survives). */
function stripComment(line: string): string {
  return line.replace(/(^|\s+)#.*$/, "");
}

export interface LockedRequirement {
  name: string;
  version: string | null;
  marker: string | null;
  line: number;
}

/**
 * Reads `name==version ; marker` requirements as `uv export` and `uv pip compile --generate-hashes`
 * write them: continuation lines, `--hash` options, `# via` comments. `-e`, `-r` and index options are
 * skipped (editable installs are known from elsewhere).
 */
export function parseLockedRequirements(text: string, file: string): LockedRequirement[] {
  const result: LockedRequirement[] = [];
  for (const { text: line, line: startLine } of logicalLines(text)) {
    const logical = withoutHashes(line);
    if (!logical || logical.startsWith("-")) continue;
    const semicolon = logical.search(/\s*;/);
    const requirement = (semicolon >= 0 ? logical.slice(0, semicolon) : logical).trim();
    const marker = semicolon >= 0 ? logical.slice(logical.indexOf(";", semicolon) + 1).trim() || null : null;
    const match = requirement.match(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/);
    if (!match || !isValidDistributionName(match[1]!)) {
      throw new DhtlError("badInput", `not a requirement: ${JSON.stringify(requirement)}`, {
        file,
        line: startLine,
        hint: "a lock lists `name==version` or `name @ url` lines; regenerate it with `dhtl setup`",
      });
    }
    const pin = match[3]!.match(/^(?:===?\s*([^\s,*]+)|@\s*(\S+))$/);
    if (!pin) {
      throw new DhtlError("badInput", `${match[1]} is not pinned to one version (${requirement})`, {
        file,
        line: startLine,
        hint: "a lock pins every package with `==`; regenerate it with `dhtl setup`",
      });
    }
    result.push({ name: normalizeName(match[1]!), version: pin[1] ?? null, marker, line: startLine });
  }
  return result;
}

/** Normalised names of the `name==version` lines (others skipped without complaint), for a quick look. */
export function pinnedNames(text: string): string[] {
  const names: string[] = [];
  for (const { text: line } of logicalLines(text)) {
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*==/.exec(line);
    if (match) names.push(normalizeName(match[1]!));
  }
  return names;
}

/** The line without its `--hash=…` options. */
function withoutHashes(line: string): string {
  return line.replace(/\s--hash[=\s]\S+/g, " ").trim();
}
