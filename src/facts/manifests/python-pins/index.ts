/**
 * Version pin files: pyenv/uv `.python-version`, Heroku `runtime.txt`, asdf/mise `.tool-versions`, and mise's
 * `mise.toml` `[tools] python`. Each yields at most one Python version statement (the first listed, as the
 * tools themselves use it); anything the tools would not read as a version becomes a diagnostic.
 */
import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { tryParseToml } from "../../../formats/toml.js";
import { isTable } from "../../../formats/toml-table.js";
import { parsePinName } from "../../python-version.js";
import {
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type PythonVersionSource,
  type SourceFile,
} from "../types.js";

const MISE_FILES = [
  "mise.toml",
  ".mise.toml",
  ".config/mise.toml",
  ".config/mise/config.toml",
  "mise/config.toml",
];
const CLAIMED = new Set([".python-version", "runtime.txt", ".tool-versions", ...MISE_FILES]);

export const pythonPinsReader: ManifestReader = {
  name: "python-pins",
  spec: "https://github.com/pyenv/pyenv#choosing-the-python-version",
  // Only at the project root: a pin file in a subfolder belongs to a subproject.
  claims: (relPath) => CLAIMED.has(relPath),
  read(file: SourceFile): ManifestFacts[] {
    const facts = emptyManifest("python-pins", file.path);
    const name = file.path.slice(file.path.lastIndexOf("/") + 1);
    if (name === ".python-version") readPythonVersionFile(file, facts);
    else if (name === "runtime.txt") readRuntimeTxt(file, facts);
    else if (name === ".tool-versions") readToolVersions(file, facts);
    else readMiseToml(file, facts);
    return [facts];
  },
};

/** One non-empty, comment-free line with its 1-based number. */
interface Line {
  text: string;
  line: number | null;
}

function meaningfulLines(text: string): Line[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ text: raw.replace(/#.*$/, "").trim(), line: i + 1 }))
    .filter((l) => l.text !== "");
}

/**
 * Adds the first version as the statement, notes any further ones (pyenv makes them available too, uv reads
 * the first), and turns a first entry that names no version into a diagnostic.
 */
function addFirstVersion(facts: ManifestFacts, source: string, versions: Line[]): void {
  const [first, ...others] = versions;
  if (!first) return;
  const statement = parsePinName(first.text);
  if (statement.kind === "unusable") {
    facts.diagnostics.push(
      warn(facts.file, `${statement.reason}; no Python version taken from it`, first.line),
    );
  } else {
    facts.python.push(pythonSource(source, facts.file, first.line, first.text));
  }
  if (others.length > 0) {
    const listed = others.map((o) => o.text).join(", ");
    facts.diagnostics.push(
      diagnostic(
        "info",
        facts.file,
        `also lists ${listed}; the first (${first.text}) is the project's version`,
        first.line,
      ),
    );
  }
}

function readPythonVersionFile(file: SourceFile, facts: ManifestFacts): void {
  // pyenv separates versions by any whitespace, one or several per line.
  const versions = meaningfulLines(file.text).flatMap((l) =>
    l.text.split(/\s+/).map((text) => ({ text, line: l.line })),
  );
  if (versions.length === 0) {
    facts.diagnostics.push(warn(file.path, "is empty: it states no Python version"));
    return;
  }
  addFirstVersion(facts, ".python-version", versions);
}

function readRuntimeTxt(file: SourceFile, facts: ManifestFacts): void {
  const [first, ...rest] = meaningfulLines(file.text);
  if (!first) {
    facts.diagnostics.push(warn(file.path, "is empty: it states no Python version"));
    return;
  }
  if (!/^python-/.test(first.text)) {
    facts.diagnostics.push(
      warn(file.path, `expected \`python-X.Y.Z\` (Heroku's form), found \`${first.text}\``, first.line),
    );
  }
  for (const extra of rest)
    facts.diagnostics.push(warn(file.path, `extra line \`${extra.text}\` ignored`, extra.line));
  addFirstVersion(facts, "runtime.txt", [first]);
}

function readToolVersions(file: SourceFile, facts: ManifestFacts): void {
  const pythonLines = meaningfulLines(file.text).filter(
    (l) => /^python\s/.test(l.text) || l.text === "python",
  );
  const [first, ...duplicates] = pythonLines;
  if (!first) return;
  for (const dup of duplicates) {
    facts.diagnostics.push(
      warn(file.path, `second \`python\` line ignored; asdf reads the first (line ${first.line})`, dup.line),
    );
  }
  const versions = first.text
    .split(/\s+/)
    .slice(1)
    .map((text) => ({ text, line: first.line }));
  if (versions.length === 0) {
    facts.diagnostics.push(warn(file.path, "`python` line lists no version", first.line));
    return;
  }
  addFirstVersion(facts, ".tool-versions", versions);
}

function readMiseToml(file: SourceFile, facts: ManifestFacts): void {
  const { doc, problem } = tryParseToml(file.text);
  if (problem) {
    // A broken tool-version file must not stop the analysis of the project: report it and go on.
    facts.diagnostics.push(diagnostic("error", file.path, `invalid TOML: ${problem.reason}`, problem.line));
    return;
  }
  const tools = doc.tools;
  if (!isTable(tools) || !("python" in tools)) return;
  const line = lineOfPythonKey(file.text);
  const versions = miseVersions(tools.python);
  if (versions === null) {
    facts.diagnostics.push(
      warn(
        file.path,
        "`[tools] python` is neither a version, a list of versions nor a table with `version`",
        line,
      ),
    );
    return;
  }
  // `line` is null only when the key is written in a form the scan does not recognise.
  addFirstVersion(
    facts,
    "mise",
    versions.map((text) => ({ text, line })),
  );
}

/** mise accepts `"3.11"`, `["3.11", "3.10"]`, `{ version = "3.11" }` and lists of such tables. */
function miseVersions(value: unknown): string[] | null {
  const one = (v: unknown): string | null =>
    typeof v === "string" ? v : isTable(v) && typeof v.version === "string" ? v.version : null;
  const list = Array.isArray(value) ? value.map(one) : [one(value)];
  if (list.length === 0 || list.some((v) => v === null)) return null;
  return list as string[];
}

/** Line of `python = …` inside `[tools]`, or of a top-level `tools.python = …`. */
function lineOfPythonKey(text: string): number | null {
  let inTools = false;
  const lines = text.split(/\r?\n/);
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const header = /^\[\s*([^\]]+?)\s*\]/.exec(line);
    if (header) {
      inTools = header[1] === "tools";
      continue;
    }
    if (inTools && /^["']?python["']?\s*=/.test(line)) return i + 1;
    if (/^tools\s*\.\s*["']?python["']?\s*=/.test(line)) return i + 1;
  }
  return null;
}

function pythonSource(source: string, file: string, line: number | null, value: string): PythonVersionSource {
  return { source, file, line, value };
}

function warn(file: string, message: string, line: number | null = null): Diagnostic {
  return diagnostic("warning", file, message, line);
}
