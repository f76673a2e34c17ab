/**
 * pip requirements files (`requirements*.txt`, `requirements/*.txt`, `*.in`, constraints files), read the
 * way pip reads them: continuation lines, comments, `-r`/`-c` includes, options, hashes, editable and VCS
 * lines. Nothing is expanded or fetched: `${VAR}` stays as written and remote includes are not followed.
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { DhtlError, isDhtlError } from "../../../core/errors.js";
import { redactUrlsIn } from "../../../core/redact.js";
import { type LogicalLine, logicalLines } from "../../../formats/requirements.js";
import { normalizeName } from "../../../pep/names.js";
import { formatRequirement, Pep508Error, parseRequirement, type Requirement } from "../../../pep/pep508.js";
import {
  type Dependency,
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type PackageIndex,
  type PipLinesDetails,
  type ReadContext,
  type SourceFile,
} from "../types.js";

/** Folders whose every `.txt`/`.in` file is a requirements file. */
const REQUIREMENTS_DIRS = new Set(["requirements", "reqs", "requirements.d"]);
/** File stems that mean "the project's runtime dependencies" rather than a dev/test/docs group. */
const MAIN_STEMS = new Set([
  "",
  "base",
  "main",
  "common",
  "core",
  "runtime",
  "install",
  "default",
  "requirements",
]);

/** Where a requirements file's lines go. */
export type RequirementsRole = { kind: "main" } | { kind: "group"; group: string } | { kind: "constraints" };

/** Where the lines being read are sent: a dependency list, the constraints, or only the lock. */
type Target =
  | { kind: "main" }
  | { kind: "group"; group: string }
  | { kind: "constraints" }
  | { kind: "locked" };

export const requirementsReader: ManifestReader = {
  name: "requirements",
  spec: "https://pip.pypa.io/en/stable/reference/requirements-file-format/",
  claims: isRequirementsFile,
  read(file, ctx) {
    return [readRequirementsFile(file, ctx)];
  },
};

/** True for `requirements*.txt|in`, `*-requirements.txt`, `constraints*.txt` and files in `requirements/`. */
export function isRequirementsFile(relPath: string): boolean {
  const parts = relPath.split("/");
  const base = parts.at(-1)!.toLowerCase();
  if (!/\.(txt|in)$/.test(base)) return false;
  if (parts.length === 2 && REQUIREMENTS_DIRS.has(parts[0]!)) return true;
  if (parts.length !== 1) return false;
  return (
    /^requirements.*\.(txt|in)$/.test(base) ||
    /^.+[-_.]requirements\.(txt|in)$/.test(base) ||
    /^constraints.*\.txt$/.test(base)
  );
}

/** Which list a requirements file feeds, from its name (`requirements-dev.txt` → group `dev`). */
export function roleOf(relPath: string): RequirementsRole {
  const parts = relPath.split("/");
  const stem = parts
    .at(-1)!
    .toLowerCase()
    .replace(/\.(txt|in)$/, "");
  if (stem.startsWith("constraint")) return { kind: "constraints" };
  const name = stem
    .replace(/requirements?/, "")
    .replace(/^[-_.]+|[-_.]+$/g, "")
    .trim();
  if (MAIN_STEMS.has(name) || name.startsWith("prod")) return { kind: "main" };
  return { kind: "group", group: normalizeName(name) };
}

/** Reads one requirements file (and what it includes) into a manifest. */
export function readRequirementsFile(file: SourceFile, ctx: ReadContext): ManifestFacts {
  const facts = emptyManifest("requirements", file.path);
  facts.packageManager = "pip";
  const role = roleOf(file.path);
  let target: Target = role;
  const pip = pipDetails(facts);
  const sourceOfTruth = compiledFrom(file.path, ctx);
  if (sourceOfTruth) {
    // pip-compile / `uv pip compile` output: the `.in` file holds the direct dependencies, this one the pins.
    pip.compiledFrom = sourceOfTruth;
    target = { kind: "locked" };
  }
  pip.role = role.kind === "group" ? `group:${role.group}` : role.kind;
  const reader = new RequirementsInterpreter(facts, ctx);
  reader.readFile(file, target, []);
  reader.finish();
  return facts;
}

/**
 * Interprets requirement lines that live inside another format (conda's `pip:` list): each entry is one
 * logical line at a known line number of `file`; includes resolve relative to `file`.
 */
export function readPipLines(
  lines: LogicalLine[],
  file: SourceFile,
  ctx: ReadContext,
  facts: ManifestFacts,
): void {
  const reader = new RequirementsInterpreter(facts, ctx);
  reader.readLines(lines, file, { kind: "main" }, [file.path]);
  reader.finish();
}

/** The manifest's pip section, created on first use. */
function pipDetails(facts: ManifestFacts): PipLinesDetails {
  facts.details.pip ??= {};
  return facts.details.pip;
}

/** `${VAR}` references in a line, as pip recognises them. */
function environmentVariables(text: string): string[] {
  return [...text.matchAll(/\$\{([A-Z0-9_]+)\}/g)].map((m) => m[1]!);
}

/** Returns the `.in` file this `.txt` was compiled from, when it sits beside it. */
function compiledFrom(relPath: string, ctx: ReadContext): string | null {
  if (!relPath.endsWith(".txt")) return null;
  const input = relPath.replace(/\.txt$/, ".in");
  return ctx.exists(input) ? input : null;
}

/** Splits a line into words, honouring single and double quotes like `shlex.split`. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of text.matchAll(pattern)) words.push(match[1] ?? match[2] ?? match[3]!);
  return words;
}

const VCS_SCHEMES = /^(git|hg|svn|bzr)\+/i;
const URL_PATTERN = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const ARCHIVE_PATTERN = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;
/** `name [extras] @` at the start: a PEP 508 URL requirement rather than a bare URL or path. */
const PEP508_URL_START = /^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/;

/** Options pip accepts on a line of their own that only tune the install; recorded, not interpreted. */
const RECORDED_OPTIONS = new Set([
  "--no-index",
  "--pre",
  "--prefer-binary",
  "--require-hashes",
  "--trusted-host",
  "--no-binary",
  "--only-binary",
  "--use-feature",
]);
/** Those of RECORDED_OPTIONS that take a value. */
const OPTIONS_WITH_VALUE = new Set(["--trusted-host", "--no-binary", "--only-binary", "--use-feature"]);
const PER_REQUIREMENT_OPTIONS = new Set([
  "--hash",
  "--global-option",
  "--install-option",
  "--config-settings",
]);

/** Reads lines into one manifest, following includes; the stack of files being read detects cycles. */
class RequirementsInterpreter {
  private readonly included = new Set<string>();
  private readonly alreadyRead = new Set<string>();
  private readonly pipOptions: string[] = [];
  private readonly localPaths: { path: string; editable: boolean; file: string; line: number }[] = [];
  private readonly skippedIncludes: { path: string; group: string; file: string; line: number }[] = [];

  constructor(
    private readonly facts: ManifestFacts,
    private readonly ctx: ReadContext,
  ) {}

  readFile(file: SourceFile, target: Target, stack: string[]): void {
    this.alreadyRead.add(`${file.path}|${targetKey(target)}`);
    this.readLines(logicalLines(file.text), file, target, [...stack, file.path]);
  }

  readLines(lines: LogicalLine[], file: SourceFile, target: Target, stack: string[]): void {
    for (const line of lines) this.readLine(line, file, target, stack);
  }

  finish(): void {
    const facts = this.facts;
    facts.includedFiles = [...this.included].sort();
    if (this.pipOptions.length) pipDetails(facts).pipOptions = [...this.pipOptions];
    if (this.localPaths.length) pipDetails(facts).localPaths = [...this.localPaths];
    if (this.skippedIncludes.length) pipDetails(facts).includesMainFiles = [...this.skippedIncludes];
  }

  private readLine(logical: LogicalLine, file: SourceFile, target: Target, stack: string[]): void {
    const { text, line } = logical;
    for (const name of environmentVariables(text)) {
      this.diag(
        "info",
        file,
        line,
        `uses environment variable ${name} (kept as written, expanded only by pip)`,
      );
    }
    if (text.startsWith("-")) {
      this.readOptionLine(logical, file, target, stack);
      return;
    }
    // pip's break_args_options: the requirement runs until the first word that starts with `-`.
    const words = text.split(" ");
    const firstOption = words.findIndex((word) => word.startsWith("-"));
    const requirementText = (firstOption < 0 ? words : words.slice(0, firstOption)).join(" ").trim();
    const options = firstOption < 0 ? [] : splitWords(words.slice(firstOption).join(" "));
    this.addRequirement(requirementText, options, false, file, line, target);
  }

  private readOptionLine(logical: LogicalLine, file: SourceFile, target: Target, stack: string[]): void {
    const { line } = logical;
    const words = splitWords(logical.text);
    let index = 0;
    while (index < words.length) {
      const [option, inlineValue] = splitOption(words[index]!);
      const takeValue = (): string | null => {
        if (inlineValue !== null) return inlineValue;
        index++;
        return words[index] ?? null;
      };
      switch (option) {
        case "-r":
        case "--requirement":
        case "-c":
        case "--constraint": {
          const path = takeValue();
          if (path === null) {
            this.diag("error", file, line, `${option} needs a file name`);
            return;
          }
          const includeTarget: Target =
            option === "-c" || option === "--constraint" ? { kind: "constraints" } : target;
          this.include(path, includeTarget, file, line, stack);
          break;
        }
        case "-e":
        case "--editable": {
          const value = takeValue();
          if (value === null) {
            this.diag("error", file, line, `${option} needs a path or URL`);
            return;
          }
          const rest = words.slice(index + 1);
          this.addRequirement(value, rest, true, file, line, target);
          return;
        }
        case "-i":
        case "--index-url":
        case "--extra-index-url":
        case "-f":
        case "--find-links": {
          const url = takeValue();
          if (url === null) {
            this.diag("error", file, line, `${option} needs a URL`);
            return;
          }
          this.addIndex(option, url, file);
          break;
        }
        default: {
          if (RECORDED_OPTIONS.has(option)) {
            const value = OPTIONS_WITH_VALUE.has(option) ? takeValue() : null;
            this.pipOptions.push(value === null ? option : `${option} ${redactUrlsIn(value)}`);
            break;
          }
          this.diag("warning", file, line, `unknown pip option ${option}: ignored`);
          return;
        }
      }
      index++;
    }
  }

  private include(path: string, target: Target, file: SourceFile, line: number, stack: string[]): void {
    const flag = target.kind === "constraints" ? "-c" : "-r";
    if (URL_PATTERN.test(path)) {
      this.diag("warning", file, line, `${flag} ${redactUrlsIn(path)}: remote files are not followed`);
      return;
    }
    if (environmentVariables(path).length) {
      this.diag("warning", file, line, `${flag} ${path}: path uses an environment variable, not followed`);
      return;
    }
    const resolved = resolveInclude(file.path, path);
    const where = { file: file.path, line };
    if (resolved === null) {
      throw new DhtlError("badInput", `${flag} ${path} leaves the project root`, {
        ...where,
        hint: "Included requirement files must live inside the project.",
      });
    }
    if (stack.includes(resolved)) {
      const cycle = [...stack.slice(stack.indexOf(resolved)), resolved].join(" → ");
      throw new DhtlError("badInput", `include cycle: ${cycle}`, {
        ...where,
        hint: `Remove the ${flag} line that leads back to ${resolved}.`,
      });
    }
    if (this.alreadyRead.has(`${resolved}|${targetKey(target)}`)) return;
    let included: SourceFile;
    try {
      included = this.ctx.readFile(resolved, where);
    } catch (error) {
      if (!isDhtlError(error)) throw error;
      throw new DhtlError("badInput", `${flag} ${path}: ${error.message}`, {
        ...where,
        hint: "Fix the path or create the included file.",
        cause: error,
      });
    }
    this.included.add(resolved);
    // A dev group including the main file does not make the main dependencies dev-only: they stay main,
    // and the main file is read as a manifest of its own.
    if (target.kind === "group" && isRequirementsFile(resolved) && roleOf(resolved).kind === "main") {
      this.skippedIncludes.push({ path: resolved, group: target.group, file: file.path, line });
      return;
    }
    this.readFile(included, target, stack);
  }

  private addIndex(option: string, url: string, file: SourceFile): void {
    const kind: PackageIndex["kind"] =
      option === "-i" || option === "--index-url"
        ? "default"
        : option === "--extra-index-url"
          ? "extra"
          : "find-links";
    const redacted = redactUrlsIn(url);
    const host = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^/@]*@)?([^/:?#]+)/.exec(redacted)?.[1] ?? redacted;
    this.facts.indexes.push({ name: host, url: redacted, file: file.path, kind });
  }

  private addRequirement(
    text: string,
    options: string[],
    editable: boolean,
    file: SourceFile,
    line: number,
    target: Target,
  ): void {
    const hashes: string[] = [];
    for (let i = 0; i < options.length; i++) {
      const [option, inline] = splitOption(options[i]!);
      const value = inline ?? options[++i] ?? null;
      if (!PER_REQUIREMENT_OPTIONS.has(option)) {
        this.diag("warning", file, line, `unknown per-requirement option ${option}: ignored`);
        continue;
      }
      if (option !== "--hash") continue;
      if (value === null || !/^[a-z0-9]+:[0-9a-fA-F]+$/.test(value)) {
        this.diag(
          "error",
          file,
          line,
          `--hash needs algorithm:hexdigest, got ${JSON.stringify(value ?? "")}`,
        );
        continue;
      }
      hashes.push(value);
    }
    const requirement = this.toRequirement(text, editable, file, line);
    if (!requirement) return;
    const dependency: Dependency = { requirement: formatRequirement(requirement), file: file.path, line };
    if (hashes.length) dependency.hashes = hashes;
    if (editable) dependency.editable = true;
    const pin = exactPin(requirement);
    if (pin !== null && (hashes.length > 0 || target.kind === "locked")) {
      this.facts.locked.push({ name: requirement.name, version: pin, hashes, file: file.path });
    }
    switch (target.kind) {
      case "main":
        this.facts.dependencies.push(dependency);
        break;
      case "group":
        this.facts.dependencyGroups[target.group] = [
          ...(this.facts.dependencyGroups[target.group] ?? []),
          dependency,
        ];
        break;
      case "constraints":
        this.facts.constraints.push(dependency);
        break;
      case "locked":
        if (pin === null)
          this.diag("warning", file, line, `${requirement.name} is not pinned in a compiled file`);
        break;
    }
  }

  /** Turns a requirement line (PEP 508, bare URL, VCS URL or local path) into a Requirement, or records why not. */
  private toRequirement(text: string, editable: boolean, file: SourceFile, line: number): Requirement | null {
    if (!PEP508_URL_START.test(text) && (URL_PATTERN.test(text) || VCS_SCHEMES.test(text))) {
      return this.urlRequirement(text, file, line);
    }
    if (!PEP508_URL_START.test(text) && looksLikePath(text)) {
      this.localPath(text, editable, file, line);
      return null;
    }
    try {
      const requirement = parseRequirement(text);
      return requirement.url === null ? requirement : { ...requirement, url: redactUrlsIn(requirement.url) };
    } catch (error) {
      if (!(error instanceof Pep508Error)) throw error;
      this.diag(
        "error",
        file,
        line,
        `invalid requirement ${JSON.stringify(redactUrlsIn(text))}: ${error.message}`,
      );
      return null;
    }
  }

  /** `git+https://host/o/r@v1#egg=name[extra]` or `https://…/name-1.0-py3-none-any.whl` → `name @ url`. */
  private urlRequirement(text: string, file: SourceFile, line: number): Requirement | null {
    // pip splits a URL from its marker at "; " because a URL may contain ";" itself.
    const separator = text.indexOf("; ");
    const rawUrl = (separator < 0 ? text : text.slice(0, separator)).trim();
    const markerText = separator < 0 ? null : text.slice(separator + 2).trim();
    const url = redactUrlsIn(rawUrl);
    const egg = /[#&]egg=([^&]+)/.exec(url)?.[1] ?? null;
    const nameAndExtras = egg ?? nameFromArchive(url);
    if (nameAndExtras === null) {
      this.diag(
        "review",
        file,
        line,
        `cannot tell which distribution ${url} provides; add #egg=<name> or write it as "<name> @ <url>"`,
      );
      return null;
    }
    const cleanUrl = url.replace(/([#&])egg=[^&]+&?/, "$1").replace(/[#&]$/, "");
    const pep508 = `${nameAndExtras} @ ${cleanUrl}${markerText ? ` ; ${markerText}` : ""}`;
    try {
      return parseRequirement(pep508);
    } catch (error) {
      if (!(error instanceof Pep508Error)) throw error;
      this.diag("error", file, line, `invalid requirement ${JSON.stringify(url)}: ${error.message}`);
      return null;
    }
  }

  private localPath(path: string, editable: boolean, file: SourceFile, line: number): void {
    const clean = path.replace(/\/+$/, "");
    if (clean === "." || clean === "") {
      // `-e .` / `.`: install the project itself, which is not a dependency of itself.
      pipDetails(this.facts).installsProject = editable ? "editable" : "regular";
      return;
    }
    this.localPaths.push({ path, editable, file: file.path, line });
    this.diag(
      "info",
      file,
      line,
      `local path ${path}${editable ? " (editable)" : ""}: kept as a path, not a PyPI dependency`,
    );
  }

  private diag(
    severity: "error" | "warning" | "info" | "review",
    file: SourceFile,
    line: number,
    message: string,
  ) {
    this.facts.diagnostics.push(diagnostic(severity, file.path, message, line));
  }
}

function targetKey(target: Target): string {
  return target.kind === "group" ? `group:${target.group}` : target.kind;
}

/** `--opt=value` → [`--opt`, `value`]; `-rfile` → [`-r`, `file`]; `--opt` → [`--opt`, null]. */
function splitOption(word: string): [string, string | null] {
  if (word.startsWith("--")) {
    const eq = word.indexOf("=");
    return eq < 0 ? [word, null] : [word.slice(0, eq), word.slice(eq + 1)];
  }
  if (word.length > 2 && word.startsWith("-")) return [word.slice(0, 2), word.slice(2).replace(/^=/, "")];
  return [word, null];
}

/**
 * Resolves an include relative to the including file (pip's rule), as a root-relative posix path, or null
 * when it leaves the root.
 */
function resolveInclude(fromFile: string, target: string): string | null {
  if (target.startsWith("/") || /^[A-Za-z]:[\\/]/.test(target)) return null;
  const parts = fromFile.split("/").slice(0, -1);
  for (const part of target.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length ? parts.join("/") : null;
}

/** pip's `_looks_like_path`, plus archives: a path separator, a leading `.`, or a wheel/sdist file name. */
function looksLikePath(text: string): boolean {
  const first = text.split(/[\s;]/)[0]!;
  return first.includes("/") || first.includes("\\") || first.startsWith(".") || ARCHIVE_PATTERN.test(first);
}

/** Name from a wheel (`name-1.0-py3-none-any.whl`) or sdist (`name-1.0.tar.gz`) file name in a URL. */
function nameFromArchive(url: string): string | null {
  const fileName = url.split(/[?#]/)[0]!.split("/").at(-1) ?? "";
  if (/\.whl$/i.test(fileName)) return fileName.split("-")[0] || null;
  const sdist = /^(.+?)-\d[^-]*\.(tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i.exec(fileName);
  return sdist?.[1] ?? null;
}

/** The version of a single `==X` clause (no wildcard), or null. */
function exactPin(requirement: Requirement): string | null {
  const match = /^===?([^,*]+)$/.exec(requirement.specifier);
  return match ? match[1]! : null;
}
