/**
 * Sets of Python minor versions as 32-bit masks: bit 0 is Python 2 (2.7), bit k is 3.(k-1) up to 3.30.
 * Version guards in code (`if sys.version_info >= (3, 11):`), requires-python and the chosen interpreter
 * all become such sets, so "does this import ever run here?" is one AND.
 */
import { specifierAllows } from "../../pep/pep440.js";

export type VersionMask = number;

export const ALL_VERSIONS: VersionMask = 0xffffffff >>> 0;
export const PYTHON2: VersionMask = 1;
export const PYTHON3: VersionMask = (ALL_VERSIONS & ~PYTHON2) >>> 0;
const NEWEST_MINOR = 30;

/** The version a bit stands for. */
function versionOfBit(bit: number): [number, number] {
  return bit === 0 ? [2, 7] : [3, bit - 1];
}

function bitOf(major: number, minor: number): number | null {
  if (major === 2) return 0;
  if (major === 3 && minor >= 0 && minor <= NEWEST_MINOR) return minor + 1;
  return null;
}

/** The set holding only `3.12` (or `2.7` for any 2.x); null for versions outside the range. */
export function maskOfMinor(version: string): VersionMask | null {
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) return null;
  const bit = bitOf(Number(match[1]), Number(match[2]));
  return bit === null ? null : (1 << bit) >>> 0;
}

/** Every version of the set, `2.7`, `3.8` …, oldest first. */
export function versionsOf(mask: VersionMask): string[] {
  const versions: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    if ((mask >>> bit) & 1) versions.push(versionOfBit(bit).join("."));
  }
  return versions;
}

/** The versions a `requires-python` specifier allows (any micro release of a minor counts). */
export function maskOfSpecifier(specifier: string): VersionMask {
  const fast = simpleSpecifierMask(specifier);
  if (fast !== null) return fast;
  // Any micro release of a minor counts: its first, a late one, and every one the specifier names.
  const named = [...specifier.matchAll(/(\d+)\.(\d+)\.(\d+)/g)].map((m) => [m[1], m[2], m[3]].join("."));
  let mask = 0;
  for (let bit = 0; bit < 32; bit++) {
    const [major, minor] = versionOfBit(bit);
    const prefix = major === 2 ? "2.7." : `3.${minor}.`;
    const releases = [`${prefix}0`, `${prefix}99`, ...named.filter((version) => version.startsWith(prefix))];
    if (releases.some((release) => allows(specifier, release))) mask |= 1 << bit;
  }
  return mask >>> 0;
}

/**
 * The usual requires-python clauses (`>=3.8`, `<4`, `!=3.0.*`, `~=3.9`, `==3.11.*`) read directly: the
 * general PEP 440 check costs ~0.5 ms per version and 64 of them add up. Null for anything else.
 */
export function simpleSpecifierMask(specifier: string): VersionMask | null {
  let mask = ALL_VERSIONS;
  for (const raw of specifier.split(",")) {
    const clause = /^\s*(>=|<=|==|!=|~=|>|<)\s*(\d+)(?:\.(\d+))?(?:\.(\d+|\*))?\s*$/.exec(raw);
    if (!clause) return null;
    const [, op, majorText, minorText, microText] = clause;
    const major = Number(majorText);
    const minor = minorText === undefined ? null : Number(minorText);
    const micro = microText === undefined || microText === "*" ? null : Number(microText);
    const wildcard = microText === "*";
    if ((op === "==" || op === "~=") && minor === null) return null;
    let allowed = 0;
    for (let bit = 0; bit < 32; bit++) {
      const [m, n] = versionOfBit(bit);
      // How the running minor (any micro release) compares with the clause's version.
      const sign = m !== major ? Math.sign(m - major) : minor === null ? 0 : Math.sign(n - minor);
      let ok: boolean;
      if (op === ">=" || op === ">" || op === "<=") ok = op === "<=" ? sign <= 0 : sign >= 0;
      else if (op === "<") ok = sign < 0 || (sign === 0 && micro !== null && micro > 0);
      else if (op === "==") ok = sign === 0 && (wildcard || micro !== null || minor !== null);
      else if (op === "!=") ok = !(wildcard && sign === 0);
      // ~=3.9 is >=3.9 within 3.*; ~=3.9.1 is >=3.9.1 within 3.9.*.
      else ok = micro === null ? m === major && n >= (minor as number) : sign === 0;
      if (ok) allowed |= 1 << bit;
    }
    mask = (mask & allowed) >>> 0;
  }
  return mask;
}

function allows(specifier: string, version: string): boolean {
  try {
    return specifierAllows(specifier, version);
  } catch {
    return true;
  }
}

/**
 * The set as a PEP 508 marker (`python_version < "3.11"`, `python_version >= "3.8" and python_version < "3.11"`),
 * or null when it is every version or none. Runs of consecutive minors become one range.
 */
export function maskToMarker(mask: VersionMask): string | null {
  if (mask === ALL_VERSIONS || mask === 0) return null;
  const parts: string[] = [];
  let bit = 0;
  while (bit < 32) {
    if (!((mask >>> bit) & 1)) {
      bit++;
      continue;
    }
    let end = bit;
    while (end + 1 < 32 && (mask >>> (end + 1)) & 1) end++;
    const low = bit === 0 ? null : bit === 1 ? "3" : versionOfBit(bit).join(".");
    const high = end === 31 ? null : versionOfBit(end + 1).join(".");
    const range = [
      low === null ? null : `python_version >= "${low}"`,
      high === null ? null : `python_version < "${high === "3.0" ? "3" : high}"`,
    ].filter((text): text is string => text !== null);
    parts.push(range.join(" and "));
    bit = end + 1;
  }
  return parts.length === 1 ? (parts[0] as string) : parts.map((part) => `(${part})`).join(" or ");
}

/** Names code uses for "running on Python 2/3" flags (`six.PY2`, `PY3 = sys.version_info[0] == 3`). */
const FLAG_NAMES: Record<string, VersionMask> = {
  PY2: PYTHON2,
  PY3: PYTHON3,
  PY3K: PYTHON3,
  IS_PY2: PYTHON2,
  IS_PY3: PYTHON3,
  PYTHON2: PYTHON2,
  PYTHON3: PYTHON3,
};

/** Quick filter: only headers mentioning one of these are parsed. */
export const GUARD_HINT = /version_info|\bPY(?:THON)?[23]|\bPY3K\b|\bIS_PY[23]\b/;

type Token = { kind: "name" | "number" | "op"; text: string };

const TOKEN = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(>=|<=|==|!=|[<>()[\],.:]))/y;

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match) return null;
    if (match[1] !== undefined) tokens.push({ kind: "name", text: match[1] });
    else if (match[2] !== undefined) tokens.push({ kind: "number", text: match[2] });
    else tokens.push({ kind: "op", text: match[3] as string });
  }
  return tokens;
}

/** A condition's value: the versions where it may be true, or null when it does not depend on the version alone. */
type Condition = VersionMask | null;

/**
 * The versions under which an `if` condition may hold: `sys.version_info >= (3, 11)`,
 * `sys.version_info[:2] < (3, 8)`, `sys.version_info[0] == 2`, `sys.version_info.major >= 3`, `six.PY2`,
 * `not PY3`, combined with `and`/`or`/`not` and parentheses. Null when the condition is anything else
 * (or mixes in something else under `or`/`not`): the branch may run on every version.
 */
export function guardOf(condition: string): Condition {
  const tokens = tokenize(condition);
  if (!tokens) return null;
  const parser = new ConditionParser(tokens);
  const value = parser.disjunction();
  return parser.atEnd() ? value : null;
}

export function negate(condition: Condition): Condition {
  return condition === null ? null : (~condition & ALL_VERSIONS) >>> 0;
}

class ConditionParser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  atEnd(): boolean {
    return this.at === this.tokens.length;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.at + offset];
  }

  private accept(text: string): boolean {
    if (this.peek()?.text === text) {
      this.at++;
      return true;
    }
    return false;
  }

  disjunction(): Condition {
    let value = this.conjunction();
    while (this.accept("or")) {
      const right = this.conjunction();
      value = value === null || right === null ? null : (value | right) >>> 0;
    }
    return value;
  }

  private conjunction(): Condition {
    let value = this.negation();
    while (this.accept("and")) {
      const right = this.negation();
      // An unknown operand cannot widen an `and`: the branch runs at most where the known part holds.
      value = value === null ? right : right === null ? value : (value & right) >>> 0;
    }
    return value;
  }

  private negation(): Condition {
    if (this.accept("not")) return negate(this.negation());
    return this.atom();
  }

  private atom(): Condition {
    // `(3, 10) <= sys.version_info`: a tuple, not a parenthesised condition.
    if (this.peek()?.text === "(" && this.peek(1)?.kind !== "number" && this.accept("(")) {
      const value = this.disjunction();
      return this.accept(")") ? value : this.skipRest();
    }
    const left = this.operand();
    const op = this.peek();
    if (op && ["<", "<=", ">", ">=", "==", "!="].includes(op.text)) {
      this.at++;
      const right = this.operand();
      if (!left || !right) return null;
      return compare(left, op.text, right);
    }
    if (left?.kind === "flag") return left.mask;
    return null;
  }

  /** Consumes tokens up to the end so a malformed condition reads as unknown. */
  private skipRest(): null {
    this.at = this.tokens.length + 1;
    return null;
  }

  private operand(): Operand | null {
    const start = this.at;
    const token = this.peek();
    if (!token) return null;
    if (token.text === "(") {
      // A tuple literal `(3, 8)` or `(3,)`.
      const numbers: number[] = [];
      this.at++;
      while (this.peek()?.kind === "number") {
        numbers.push(Number(this.peek()?.text));
        this.at++;
        if (!this.accept(",")) break;
      }
      if (this.accept(")") && numbers.length > 0) return { kind: "tuple", values: numbers };
      this.at = start;
      return null;
    }
    if (token.kind === "number") {
      this.at++;
      return { kind: "int", value: Number(token.text) };
    }
    // Dotted name: sys.version_info…, six.PY2, PY3.
    const names: string[] = [];
    while (this.peek()?.kind === "name") {
      names.push(this.peek()?.text as string);
      this.at++;
      if (!(this.peek()?.text === "." && this.peek(1)?.kind === "name")) break;
      this.at++;
    }
    if (names.length === 0) return null;
    const last = names[names.length - 1] as string;
    if (last in FLAG_NAMES) return { kind: "flag", mask: FLAG_NAMES[last] as VersionMask };
    if (last === "major" || last === "minor") {
      if (names[names.length - 2] === "version_info") return { kind: "part", part: last };
      return null;
    }
    if (last !== "version_info") return null;
    if (this.accept("[")) {
      // version_info[0], version_info[1], version_info[:2]
      if (this.accept(":")) {
        const length = this.peek()?.kind === "number" ? Number(this.peek()?.text) : null;
        if (length === null) return null;
        this.at++;
        if (!this.accept("]")) return null;
        return { kind: "version", length };
      }
      const index = this.peek()?.kind === "number" ? Number(this.peek()?.text) : null;
      if (index === null || index > 1) return null;
      this.at++;
      if (!this.accept("]")) return null;
      return { kind: "part", part: index === 0 ? "major" : "minor" };
    }
    return { kind: "version", length: Number.POSITIVE_INFINITY };
  }
}

type Operand =
  | { kind: "flag"; mask: VersionMask }
  /** sys.version_info (length ∞) or a slice of it (`[:2]`). */
  | { kind: "version"; length: number }
  | { kind: "part"; part: "major" | "minor" }
  | { kind: "tuple"; values: number[] }
  | { kind: "int"; value: number };

const MIRROR: Record<string, string> = { "<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=" };

function compare(left: Operand, op: string, right: Operand): Condition {
  if (left.kind === "tuple" || left.kind === "int") return compare(right, MIRROR[op] as string, left);
  let mask = 0;
  for (let bit = 0; bit < 32; bit++) {
    const [major, minor] = versionOfBit(bit);
    let order: number[] | null;
    if (left.kind === "version" && right.kind === "tuple")
      order = tupleOrders([major, minor], left.length, right.values);
    else if (left.kind === "part" && right.kind === "int")
      order = [Math.sign((left.part === "major" ? major : minor) - right.value)];
    else return null;
    if (order.some((sign) => holds(sign, op))) mask |= 1 << bit;
  }
  return mask >>> 0;
}

/**
 * The possible signs of comparing a running version (known to the minor) with a tuple: version_info
 * has more fields than (3, 8), so it compares greater on a tie; against (3, 8, 1) the micro is unknown.
 */
function tupleOrders(version: [number, number], length: number, tuple: number[]): number[] {
  const known = Math.min(length, 2);
  for (let i = 0; i < Math.min(known, tuple.length); i++) {
    const sign = Math.sign((version[i] as number) - (tuple[i] as number));
    if (sign !== 0) return [sign];
  }
  if (tuple.length === known) return [length > known ? 1 : 0];
  if (tuple.length < known) return [1];
  // The tuple reaches past what we know: a later field decides.
  return length > known ? [-1, 0, 1] : [-1];
}

function holds(sign: number, op: string): boolean {
  switch (op) {
    case "<":
      return sign < 0;
    case "<=":
      return sign <= 0;
    case ">":
      return sign > 0;
    case ">=":
      return sign >= 0;
    case "==":
      return sign === 0;
    default:
      return sign !== 0;
  }
}
