/**
 * PEP 508 environment markers: parsing to a small tree, canonical text, and evaluation with the rules of
 * `packaging` (PEP 440 comparison for version-like variables when both sides are versions, plain string
 * comparison otherwise; `extra` compared by normalised name).
 */
import { normalizeName } from "./names.js";
import { isValidSpecifier, isValidVersion, specifierAllows } from "./pep440.js";

/** A syntax error in a PEP 508 requirement or marker; `column` is 1-based in the text that was parsed. */
export class Pep508Error extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(`${message} (column ${column})`);
    this.name = "Pep508Error";
    this.column = column;
  }
}

export const MARKER_VARIABLES = [
  "python_version",
  "python_full_version",
  "os_name",
  "sys_platform",
  "platform_release",
  "platform_system",
  "platform_version",
  "platform_machine",
  "platform_python_implementation",
  "implementation_name",
  "implementation_version",
  "extra",
  // PEP 751 set-valued variables, used with `in` / `not in`.
  "extras",
  "dependency_groups",
] as const;

export type MarkerVariable = (typeof MARKER_VARIABLES)[number];

/** Legacy dotted spellings that `packaging` still accepts, mapped to their PEP 508 names. */
const VARIABLE_ALIASES: Record<string, MarkerVariable> = {
  "os.name": "os_name",
  "sys.platform": "sys_platform",
  "platform.version": "platform_version",
  "platform.machine": "platform_machine",
  "platform.python_implementation": "platform_python_implementation",
  python_implementation: "platform_python_implementation",
};

const VERSION_VARIABLES = new Set<MarkerVariable>([
  "python_version",
  "python_full_version",
  "implementation_version",
  "platform_release",
]);

export type MarkerOperator = "<=" | "<" | "!=" | "===" | "==" | ">=" | ">" | "~=" | "in" | "not in";

export type MarkerValue = { kind: "variable"; name: MarkerVariable } | { kind: "string"; value: string };

export type MarkerNode =
  | { kind: "compare"; left: MarkerValue; op: MarkerOperator; right: MarkerValue }
  | { kind: "and" | "or"; left: MarkerNode; right: MarkerNode }
  | { kind: "group"; inner: MarkerNode };

/** The values markers are evaluated against (names as in PEP 508). */
export interface MarkerEnvironment {
  python_version: string;
  python_full_version: string;
  os_name: string;
  sys_platform: string;
  platform_release: string;
  platform_system: string;
  platform_version: string;
  platform_machine: string;
  platform_python_implementation: string;
  implementation_name: string;
  implementation_version: string;
}

export interface EvaluateOptions {
  /** Extras being installed; `extra == "x"` is true when any of them is `x`. */
  extras?: string[];
  /** Dependency groups being installed, for the PEP 751 `dependency_groups` variable. */
  dependencyGroups?: string[];
}

export type TargetPlatform = "linux" | "darwin" | "win32";

/** A CPython marker environment for a target interpreter version and platform. */
export function markerEnvironmentFor(
  pythonFullVersion: string,
  platform: TargetPlatform,
  machine = "x86_64",
): MarkerEnvironment {
  const [major = "3", minor = "0"] = pythonFullVersion.split(".");
  const system = { linux: "Linux", darwin: "Darwin", win32: "Windows" }[platform];
  return {
    python_version: `${major}.${minor.replace(/\D.*$/, "")}`,
    python_full_version: pythonFullVersion,
    os_name: platform === "win32" ? "nt" : "posix",
    sys_platform: platform,
    platform_release: "",
    platform_system: system,
    platform_version: "",
    platform_machine: platform === "win32" && machine === "x86_64" ? "AMD64" : machine,
    platform_python_implementation: "CPython",
    implementation_name: "cpython",
    implementation_version: pythonFullVersion,
  };
}

/** Parses a marker expression (the text after `;`). Throws Pep508Error with a 1-based column. */
export function parseMarker(text: string): MarkerNode {
  const parser = new MarkerParser(text, 0);
  const node = parser.parseOr();
  parser.skipSpace();
  if (!parser.atEnd()) parser.fail(`unexpected text in marker: ${JSON.stringify(parser.rest())}`);
  return node;
}

/**
 * Parses a marker starting at `start` inside a larger text and stops at its end, so a requirement parser
 * can report columns in the whole requirement. Returns the tree and the offset just past it.
 */
export function parseMarkerAt(text: string, start: number): { node: MarkerNode; end: number } {
  const parser = new MarkerParser(text, start);
  const node = parser.parseOr();
  return { node, end: parser.pos };
}

/** Canonical text: `python_version >= "3.8" and (os_name == "nt" or extra == "test")`. */
export function formatMarker(node: MarkerNode): string {
  switch (node.kind) {
    case "compare":
      return `${formatValue(node.left)} ${node.op} ${formatValue(node.right)}`;
    case "group":
      return `(${formatMarker(node.inner)})`;
    default:
      return `${formatMarker(node.left)} ${node.kind} ${formatMarker(node.right)}`;
  }
}

/** Normalises marker text (`python_version>='3.8'` → `python_version >= "3.8"`). */
export function normalizeMarker(text: string): string {
  return formatMarker(parseMarker(text));
}

/** Evaluates a marker (text or tree) against an environment. */
export function evaluateMarker(
  marker: string | MarkerNode,
  env: MarkerEnvironment,
  options: EvaluateOptions = {},
): boolean {
  const node = typeof marker === "string" ? parseMarkerCached(marker) : marker;
  // `packaging` evaluates with extra = "" when no extra is requested.
  const extras = options.extras?.length ? options.extras : [""];
  return extras.some((extra) => evaluateNode(node, env, extra, options));
}

/** Resolvers evaluate the same few markers for every package: parse each text once (bounded cache). */
const parsedMarkers = new Map<string, MarkerNode>();
function parseMarkerCached(text: string): MarkerNode {
  let node = parsedMarkers.get(text);
  if (!node) {
    node = parseMarker(text);
    if (parsedMarkers.size >= 1024) parsedMarkers.clear();
    parsedMarkers.set(text, node);
  }
  return node;
}

function evaluateNode(
  node: MarkerNode,
  env: MarkerEnvironment,
  extra: string,
  options: EvaluateOptions,
): boolean {
  switch (node.kind) {
    case "group":
      return evaluateNode(node.inner, env, extra, options);
    case "and":
      return evaluateNode(node.left, env, extra, options) && evaluateNode(node.right, env, extra, options);
    case "or":
      return evaluateNode(node.left, env, extra, options) || evaluateNode(node.right, env, extra, options);
    case "compare":
      return evaluateComparison(node, env, extra, options);
  }
}

function evaluateComparison(
  node: Extract<MarkerNode, { kind: "compare" }>,
  env: MarkerEnvironment,
  extra: string,
  options: EvaluateOptions,
): boolean {
  const { left, op, right } = node;
  if (right.kind === "variable" && (right.name === "extras" || right.name === "dependency_groups")) {
    if (op !== "in" && op !== "not in") return false;
    const members = (right.name === "extras" ? (options.extras ?? []) : (options.dependencyGroups ?? [])).map(
      normalizeName,
    );
    const found = members.includes(normalizeName(resolveValue(left, env, extra)));
    return op === "in" ? found : !found;
  }
  const variable = left.kind === "variable" ? left.name : right.kind === "variable" ? right.name : null;
  let lhs = resolveValue(left, env, extra);
  let rhs = resolveValue(right, env, extra);
  if (variable === "extra") {
    // Extras are names: `extra == "Dev_Tools"` matches the extra `dev-tools`.
    lhs = normalizeName(lhs);
    rhs = normalizeName(rhs);
  }
  if (variable !== null && VERSION_VARIABLES.has(variable) && op !== "in" && op !== "not in") {
    const version = compareAsVersions(lhs, op, rhs);
    if (version !== null) return version;
  }
  return compareStrings(lhs, op, rhs);
}

/** PEP 440 comparison, or null when either side is not a version. Memoised: PEP 440 parsing is the slow part. */
const versionComparisons = new Map<string, boolean | null>();
function compareAsVersions(lhs: string, op: MarkerOperator, rhs: string): boolean | null {
  const key = `${lhs}\u0000${op}\u0000${rhs}`;
  let result = versionComparisons.get(key);
  if (result === undefined) {
    const specifier = `${op}${rhs}`;
    result =
      isValidVersion(lhs) && isValidSpecifier(specifier)
        ? specifierAllows(specifier, lhs, { prereleases: true })
        : null;
    if (versionComparisons.size >= 4096) versionComparisons.clear();
    versionComparisons.set(key, result);
  }
  return result;
}

function compareStrings(lhs: string, op: MarkerOperator, rhs: string): boolean {
  switch (op) {
    case "==":
    case "===":
      return lhs === rhs;
    case "!=":
      return lhs !== rhs;
    case "<":
      return lhs < rhs;
    case "<=":
      return lhs <= rhs;
    case ">":
      return lhs > rhs;
    case ">=":
      return lhs >= rhs;
    case "in":
      return rhs.includes(lhs);
    case "not in":
      return !rhs.includes(lhs);
    case "~=":
      // `packaging` raises UndefinedComparison: a compatible release needs versions on both sides.
      return false;
  }
}

function resolveValue(value: MarkerValue, env: MarkerEnvironment, extra: string): string {
  if (value.kind === "string") return value.value;
  if (value.name === "extra") return extra;
  if (value.name === "extras" || value.name === "dependency_groups") return "";
  return env[value.name];
}

function formatValue(value: MarkerValue): string {
  if (value.kind === "variable") return value.name;
  return value.value.includes('"') ? `'${value.value}'` : `"${value.value}"`;
}

const OPERATORS: MarkerOperator[] = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

/** Recursive descent over PEP 508's `marker_or` / `marker_and` / `marker_expr` rules. */
class MarkerParser {
  constructor(
    private readonly text: string,
    public pos: number,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  rest(): string {
    return this.text.slice(this.pos);
  }

  fail(message: string, at = this.pos): never {
    throw new Pep508Error(message, at + 1);
  }

  skipSpace(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\t") this.pos++;
  }

  parseOr(): MarkerNode {
    let node = this.parseAnd();
    while (this.keyword("or")) node = { kind: "or", left: node, right: this.parseAnd() };
    return node;
  }

  private parseAnd(): MarkerNode {
    let node = this.parseExpr();
    while (this.keyword("and")) node = { kind: "and", left: node, right: this.parseExpr() };
    return node;
  }

  private parseExpr(): MarkerNode {
    this.skipSpace();
    if (this.text[this.pos] === "(") {
      this.pos++;
      const inner = this.parseOr();
      this.skipSpace();
      if (this.text[this.pos] !== ")") this.fail("expected ')' to close the marker group");
      this.pos++;
      return { kind: "group", inner };
    }
    const left = this.parseValue();
    const op = this.parseOperator();
    const right = this.parseValue();
    return { kind: "compare", left, op, right };
  }

  /** Consumes `word` when it stands alone as the next token (not a prefix of a longer word). */
  private keyword(word: string): boolean {
    const save = this.pos;
    this.skipSpace();
    if (
      this.text.startsWith(word, this.pos) &&
      !/[A-Za-z0-9_.]/.test(this.text[this.pos + word.length] ?? "")
    ) {
      this.pos += word.length;
      return true;
    }
    this.pos = save;
    return false;
  }

  private parseValue(): MarkerValue {
    this.skipSpace();
    const start = this.pos;
    const quote = this.text[this.pos];
    if (quote === '"' || quote === "'") {
      const close = this.text.indexOf(quote, this.pos + 1);
      if (close < 0) this.fail("unterminated string in marker", start);
      this.pos = close + 1;
      return { kind: "string", value: this.text.slice(start + 1, close) };
    }
    const match = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail("expected a marker variable or a quoted string");
    const word = match[0];
    const name = VARIABLE_ALIASES[word] ?? (MARKER_VARIABLES as readonly string[]).find((v) => v === word);
    if (!name) this.fail(`unknown marker variable '${word}'`, start);
    this.pos += word.length;
    return { kind: "variable", name: name as MarkerVariable };
  }

  private parseOperator(): MarkerOperator {
    this.skipSpace();
    for (const op of OPERATORS) {
      if (this.text.startsWith(op, this.pos)) {
        this.pos += op.length;
        return op;
      }
    }
    if (this.keyword("in")) return "in";
    const save = this.pos;
    if (this.keyword("not")) {
      if (this.keyword("in")) return "not in";
      this.pos = save;
    }
    this.fail("expected a marker operator (<, <=, ==, !=, >=, >, ~=, ===, in, not in)");
  }
}
