/**
 * conda `environment.yml`: conda packages (mapped to PyPI names where one exists), the `pip:` list (read as
 * requirement lines), the Python pin and the channels. Conda-only packages (compilers, C libraries, CUDA,
 * R) are kept apart in `nonPythonPackages` with a diagnostic saying how to provide them.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import { diagnostic } from "../../../core/diagnostics.js";
import { DhtlError } from "../../../core/errors.js";
import { redactUrlsIn } from "../../../core/redact.js";
import type { LogicalLine } from "../../../formats/requirements.js";
import { isValidSpecifier } from "../../../pep/pep440.js";
import { formatRequirement, Pep508Error, parseRequirement } from "../../../pep/pep508.js";
import { readPipLines } from "../requirements/index.js";
import {
  type CondaDetails,
  type CondaEntry,
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type SourceFile,
} from "../types.js";
import { condaToPypi } from "./pypi-names.js";

export const condaReader: ManifestReader = {
  name: "conda",
  spec: "https://docs.conda.io/projects/conda/en/latest/user-guide/tasks/manage-environments.html#create-env-file-manually",
  // conda.yaml is the name MLflow projects give their environment (MLproject's `conda_env`).
  claims: (relPath) => /^(environment|conda)\.ya?ml$/.test(relPath),
  read(file, ctx) {
    const facts = emptyManifest("conda", file.path);
    facts.packageManager = "conda";
    const { root, lineOf } = parseEnvironment(file);
    if (!isMap(root)) {
      if (root !== null)
        throw new DhtlError("badInput", "expected a mapping with `dependencies:`", {
          file: file.path,
          line: 1,
        });
      return [facts];
    }
    const name = root.get("name");
    const conda: CondaDetails = {};
    facts.details.conda = conda;
    if (typeof name === "string") conda.environmentName = name;
    const channels = root.get("channels");
    if (isSeq(channels))
      conda.channels = channels.items.map((c) => redactChannel(String(scalarValue(c as Node))));
    const variables = root.get("variables");
    // Values may be secrets: only the names are kept.
    if (isMap(variables))
      conda.variableNames = variables.items.map((pair) => String(scalarValue(pair.key as Node)));

    const dependencies = root.get("dependencies", true);
    if (dependencies !== undefined && !isSeq(dependencies)) {
      throw new DhtlError("badInput", "`dependencies` must be a list", {
        file: file.path,
        line: lineOf(dependencies as Node) ?? undefined,
      });
    }
    const condaEntries: CondaEntry[] = [];
    for (const item of isSeq(dependencies) ? dependencies.items : []) {
      const line = lineOf(item as Node) ?? 0;
      if (isScalar(item) && item.value !== null) {
        // A spec may name its channel by URL, tokens included: only the redacted text is kept.
        condaEntries.push(readCondaSpec(redactChannel(String(item.value)), line, file, facts));
      } else if (isMap(item) && item.has("pip")) {
        const pip = item.get("pip");
        const lines: LogicalLine[] = isSeq(pip)
          ? pip.items.map((entry) => ({
              text: String(scalarValue(entry as Node)).trim(),
              line: lineOf(entry as Node) ?? line,
            }))
          : [];
        readPipLines(
          lines.filter((l) => l.text !== ""),
          file,
          ctx,
          facts,
        );
      } else {
        facts.diagnostics.push(
          diagnostic("warning", file.path, "unrecognised dependencies entry: ignored", line),
        );
      }
    }
    if (condaEntries.length) conda.condaPackages = condaEntries;
    return [facts];
  },
};

/** What one conda dependency line became, kept for `migrate`. */
/** A conda match spec split into parts: `conda-forge::numpy=1.24=py311h0` → channel, name, version, build. */
export interface CondaMatchSpec {
  channel: string | null;
  name: string;
  /** conda version expression as written (`=1.24`, `>=1.2,<2`, `1.2.*`), "" when none. */
  version: string;
  build: string | null;
}

/** Splits a conda match spec; returns null when it is not one. */
export function parseCondaSpec(spec: string): CondaMatchSpec | null {
  let rest = spec.trim();
  let channel: string | null = null;
  const channelSplit = rest.lastIndexOf("::");
  if (channelSplit >= 0) {
    channel = rest.slice(0, channelSplit);
    rest = rest.slice(channelSplit + 2);
  }
  const bracket = /^([^[\s]+)\[(.*)\]$/.exec(rest);
  if (bracket) {
    const version = /version\s*=\s*['"]?([^'",\]]+)/.exec(bracket[2]!)?.[1] ?? "";
    const build = /build\s*=\s*['"]?([^'",\]]+)/.exec(bracket[2]!)?.[1] ?? null;
    return { channel, name: bracket[1]!, version: version.trim(), build };
  }
  const match = /^([A-Za-z0-9_][A-Za-z0-9_.+-]*)\s*(.*)$/.exec(rest);
  if (!match) return null;
  const name = match[1]!;
  const tail = match[2]!.trim();
  if (tail === "") return { channel, name, version: "", build: null };
  if (/^=[^=]/.test(tail)) {
    // `name=1.2=build`: the single `=` means "1.2.*".
    const [version = "", build = null] = tail.slice(1).split("=");
    return { channel, name, version: `=${version}`, build };
  }
  const [version = "", build = null] = tail.split(/\s+/);
  return { channel, name, version, build };
}

/** conda version expression → PEP 440 specifier, or null when PEP 440 cannot say the same thing. */
export function condaVersionToPep440(version: string): string | null {
  const v = version.trim();
  if (v === "" || v === "*") return "";
  if (v.includes("|")) return null;
  const clauses = v.split(",").map((clause) => {
    const c = clause.trim();
    if (c.startsWith("=") && !c.startsWith("==")) return `==${c.slice(1).replace(/\.?\*$/, "")}.*`;
    if (/^(==|!=|>=|<=|>|<|~=)/.test(c)) return c.replace(/(\d)\*$/, "$1.*");
    if (c.endsWith("*")) return `==${c.replace(/\.?\*$/, "")}.*`;
    return `==${c}`;
  });
  const specifier = clauses.join(",");
  return isValidSpecifier(specifier) ? specifier : null;
}

/** The Python statement as a person would write it: `=3.11` → `3.11`, `3.11.*` → `3.11`, `>=3.9` as is. */
function pythonValue(version: string): string {
  const v = version.trim();
  if (/^=?=?\d+(\.\d+)*(\.\*|\*)?$/.test(v)) return v.replace(/^=+/, "").replace(/\.?\*$/, "");
  return v;
}

function readCondaSpec(spec: string, line: number, file: SourceFile, facts: ManifestFacts): CondaEntry {
  const parsed = parseCondaSpec(spec);
  const entry: CondaEntry = {
    spec,
    name: parsed?.name ?? spec,
    channel: parsed?.channel ?? null,
    pypi: null,
    reason: "",
    line,
  };
  if (!parsed) {
    entry.reason = "not a conda match spec";
    facts.diagnostics.push(
      diagnostic("error", file.path, `cannot read conda package ${JSON.stringify(spec)}`, line),
    );
    return entry;
  }
  if (parsed.name.toLowerCase() === "python") {
    entry.reason = "the interpreter itself";
    if (parsed.version) {
      facts.python.push({
        source: "environment.yml python",
        file: file.path,
        line,
        value: pythonValue(parsed.version),
      });
    }
    return entry;
  }
  const mapping = condaToPypi(parsed.name);
  entry.pypi = mapping.pypi;
  entry.reason = mapping.reason;
  if (mapping.pypi === null) {
    if (parsed.name.toLowerCase() === "pip") return entry;
    facts.nonPythonPackages.push({ name: parsed.name, spec, manager: "conda", file: file.path, line });
    facts.diagnostics.push(
      diagnostic(
        "info",
        file.path,
        `${parsed.name} is conda-only (${mapping.reason}); keep it in conda or install the system equivalent`,
        line,
      ),
    );
    return entry;
  }
  let specifier = condaVersionToPep440(parsed.version);
  if (specifier === null) {
    facts.diagnostics.push(
      diagnostic(
        "warning",
        file.path,
        `${spec}: conda version "${parsed.version}" has no PEP 440 equivalent; kept the name only`,
        line,
      ),
    );
    specifier = "";
  }
  try {
    const requirement = formatRequirement(parseRequirement(`${mapping.pypi}${specifier}`));
    facts.dependencies.push({ requirement, file: file.path, line });
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    facts.diagnostics.push(diagnostic("error", file.path, `${spec}: ${error.message}`, line));
  }
  return entry;
}

/** Channel URLs may carry credentials (`https://user:pw@…`) or anaconda.org tokens (`/t/<token>/`). */
function redactChannel(channel: string): string {
  return redactUrlsIn(channel).replace(/(:\/\/[^\s]*?)\/t\/[^/\s]+\//g, "$1/t/****/");
}

function scalarValue(node: Node | null | undefined): unknown {
  return isScalar(node) ? node.value : node?.toJSON();
}

/** Parses the YAML, turning the first syntax error into DhtlError("badInput") with its line. */
function parseEnvironment(file: SourceFile): {
  root: unknown;
  lineOf: (node: Node | null | undefined) => number | null;
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter, uniqueKeys: false });
  const error = doc.errors[0];
  if (error) {
    throw new DhtlError(
      "badInput",
      `invalid YAML: ${error.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "")}`,
      {
        file: file.path,
        line: error.linePos?.[0].line,
        hint: "Fix the indentation or quoting; `conda env export` writes a valid file.",
      },
    );
  }
  const lineOf = (node: Node | null | undefined): number | null =>
    node?.range ? lineCounter.linePos(node.range[0]).line : null;
  return { root: doc.contents, lineOf };
}
