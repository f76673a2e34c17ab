import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Document, isMap, isScalar, isSeq, type Node, parseDocument } from "yaml";
import { compareText } from "../core/compare.js";
import { DhtlError } from "../core/errors.js";
import { lineOf, writeFileAtomic } from "../core/fs.js";

/**
 * `.dhtconfig`: what the project files cannot tell (exact Python, lock digest, environment checksum
 * per platform …). Committed by the user, so it must be byte-identical for equal input.
 */
export interface DhtConfig {
  schema: 1;
  python?: { version: string; implementation: string };
  lock?: { file: string; digest: string; inputDigest?: string };
  /** Optional-dependency extras installed besides every group (`setup --extras`), normalised, sorted. */
  extras?: string[];
  environment?: { checksums: Record<string, string> };
  systemPackages?: Record<string, string[]>;
  tools?: Record<string, string>;
  languages?: Record<string, string>;
}

export const DHTCONFIG_FILE = ".dhtconfig";
const HEADER = "# Written by dhtl. Records only what the project files cannot tell; commit it.\n";
const DIGEST = /^sha256:[0-9a-f]{64}$/;
const PYTHON_VERSION = /^\d+\.\d+\.\d+((a|b|rc)\d+)?$/;
const WORD = /^[a-z][a-z0-9_.-]*$/;

// ---------------------------------------------------------------- render

/** Deterministic YAML: sorted keys and lists, block style, fixed header, nothing machine-specific. */
export function renderDhtConfig(config: DhtConfig): string {
  const tree = compact(config as unknown as Record<string, unknown>);
  return HEADER + renderMap(tree, 0);
}

type Tree = { [key: string]: Tree | string | number | string[] };

/** Drops empty sections and undefined values so that `{}` and absent render the same. */
function compact(value: Record<string, unknown>): Tree {
  const out: Tree = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    if (Array.isArray(item)) {
      if (item.length) out[key] = [...new Set(item.map(String))].sort(compareText);
    } else if (typeof item === "object") {
      const inner = compact(item as Record<string, unknown>);
      if (Object.keys(inner).length) out[key] = inner;
    } else if (typeof item === "number") out[key] = item;
    else out[key] = String(item);
  }
  return out;
}

function renderMap(tree: Tree, indent: number): string {
  const pad = " ".repeat(indent);
  let text = "";
  for (const key of Object.keys(tree).sort(compareText)) {
    const value = tree[key]!;
    if (Array.isArray(value)) {
      text += `${pad}${scalar(key)}:\n`;
      for (const item of value) text += `${pad}  - ${scalar(item)}\n`;
    } else if (typeof value === "object") {
      text += `${pad}${scalar(key)}:\n${renderMap(value, indent + 2)}`;
    } else text += `${pad}${scalar(key)}: ${scalar(value)}\n`;
  }
  return text;
}

/** Plain when YAML would read it back as the same string, else double-quoted (JSON is valid YAML). */
function scalar(value: string | number): string {
  if (typeof value === "number") return String(value);
  const plainSafe = /^[A-Za-z0-9_.][A-Za-z0-9_.\-:/+]*$/.test(value) && !value.includes(": ");
  const looksTyped =
    /^[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(value) ||
    /^(true|false|null|yes|no|on|off|y|n|~)$/i.test(value) ||
    /^[-+]?\.(inf|nan)$/i.test(value) ||
    /^0[xo]/i.test(value) ||
    /^\d+(:\d+)+$/.test(value);
  return plainSafe && !looksTyped ? value : JSON.stringify(value);
}

// ---------------------------------------------------------------- parse

/** Parses and strictly validates `.dhtconfig`; every problem is a badInput error with file and line. */
export function parseDhtConfig(text: string, file = DHTCONFIG_FILE): DhtConfig {
  const doc = parseDocument(text, { uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    throw new DhtlError("badInput", first.message.split("\n")[0] ?? "invalid YAML", {
      file,
      line: first.linePos?.[0]?.line,
    });
  }
  const v = new Validator(doc, text, file);
  const root = v.map(doc.contents, "the document");
  v.onlyKeys(
    root,
    ["environment", "extras", "languages", "lock", "python", "schema", "systemPackages", "tools"],
    "",
  );
  const schemaNode = root.get("schema");
  if (schemaNode === undefined) v.fail(doc.contents, "missing `schema: 1`");
  const schema = v.scalarValue(schemaNode, "schema");
  if (schema !== 1) {
    v.fail(schemaNode, `unsupported schema version ${JSON.stringify(schema)} (this dhtl reads schema 1)`, {
      hint: "upgrade dhtl, or run `dhtl setup` to rewrite .dhtconfig",
    });
  }
  const config: DhtConfig = { schema: 1 };

  const python = root.get("python");
  if (python !== undefined) {
    const map = v.map(python, "python");
    v.onlyKeys(map, ["implementation", "version"], "python.");
    config.python = {
      version: v.string(map.get("version"), "python.version", PYTHON_VERSION, "an exact version like 3.12.1"),
      implementation: v.string(
        map.get("implementation"),
        "python.implementation",
        WORD,
        "a name like cpython",
      ),
    };
  }

  const lock = root.get("lock");
  if (lock !== undefined) {
    const map = v.map(lock, "lock");
    v.onlyKeys(map, ["digest", "file", "inputDigest"], "lock.");
    const fileNode = map.get("file");
    const lockFile = v.string(fileNode, "lock.file", /^[^\0]+$/, "a path relative to the project");
    if (!isSafeRelativePath(lockFile)) {
      v.fail(fileNode, "lock.file must be a path inside the project, relative to its root");
    }
    config.lock = {
      file: lockFile,
      digest: v.string(map.get("digest"), "lock.digest", DIGEST, "sha256:<hex>"),
    };
    if (map.has("inputDigest")) {
      config.lock.inputDigest = v.string(map.get("inputDigest"), "lock.inputDigest", DIGEST, "sha256:<hex>");
    }
  }

  const extras = root.get("extras");
  if (extras !== undefined) {
    config.extras = v.stringList(extras, "extras", /^[a-z0-9]+(-[a-z0-9]+)*$/, "a normalised extra name");
  }

  const environment = root.get("environment");
  if (environment !== undefined) {
    const map = v.map(environment, "environment");
    v.onlyKeys(map, ["checksums"], "environment.");
    const checksums = v.stringRecord(map.get("checksums"), "environment.checksums", DIGEST, "sha256:<hex>");
    for (const key of Object.keys(checksums)) {
      if (!/^[a-z0-9]+-[a-z0-9_]+$/.test(key)) {
        v.fail(map.get("checksums"), `environment.checksums: \`${key}\` is not a platform like linux-x86_64`);
      }
    }
    config.environment = { checksums };
  }

  const systemPackages = root.get("systemPackages");
  if (systemPackages !== undefined) {
    const map = v.map(systemPackages, "systemPackages");
    const result: Record<string, string[]> = {};
    for (const [manager, node] of map) {
      if (!WORD.test(manager)) v.fail(node, `systemPackages: \`${manager}\` is not a package manager name`);
      result[manager] = v.stringList(node, `systemPackages.${manager}`, /^[A-Za-z0-9][A-Za-z0-9+._@:/-]*$/);
    }
    config.systemPackages = result;
  }

  for (const key of ["tools", "languages"] as const) {
    const node = root.get(key);
    if (node === undefined) continue;
    config[key] = v.stringRecord(node, key, /^(?![/\\]|~(?!=))[^\n]+$/, "a version or range");
  }
  return config;
}

/** Relative, inside the project, no backslashes or drive letters: the file must mean the same everywhere. */
function isSafeRelativePath(path: string): boolean {
  if (path.startsWith("/") || path.startsWith("~") || path.includes("\\") || /^[A-Za-z]:/.test(path))
    return false;
  return !path.split("/").some((part) => part === ".." || part === "");
}

/** Walks the YAML tree, turning each mismatch into an error at the right line. */
class Validator {
  constructor(
    private readonly doc: Document,
    private readonly text: string,
    private readonly file: string,
  ) {}

  fail(node: unknown, message: string, extra: { hint?: string } = {}): never {
    const range = (node as Node | undefined)?.range;
    const line = range ? lineOf(this.text, range[0]) : undefined;
    throw new DhtlError("badInput", message, { file: this.file, line, hint: extra.hint });
  }

  map(node: unknown, what: string): Map<string, Node | undefined> {
    if (!isMap(node)) this.fail(node ?? this.doc.contents, `${what} must be a mapping`);
    const result = new Map<string, Node | undefined>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : undefined;
      if (typeof key !== "string") this.fail(pair.key, `${what}: keys must be strings`);
      result.set(key, (pair.value ?? undefined) as Node | undefined);
    }
    return result;
  }

  onlyKeys(map: Map<string, Node | undefined>, allowed: string[], prefix: string): void {
    for (const [key, node] of map) {
      if (!allowed.includes(key)) {
        this.fail(node, `unknown key \`${prefix}${key}\``, {
          hint: `expected one of: ${allowed.join(", ")}`,
        });
      }
    }
  }

  scalarValue(node: unknown, what: string): unknown {
    if (!isScalar(node)) this.fail(node, `${what} must be a single value`);
    return node.value;
  }

  string(node: unknown, what: string, pattern: RegExp, expected: string): string {
    if (node === undefined) this.fail(undefined, `missing ${what}`);
    const value = this.scalarValue(node, what);
    if (typeof value !== "string") this.fail(node, `${what} must be a string (${expected}); quote it`);
    if (!pattern.test(value)) this.fail(node, `${what}: ${JSON.stringify(value)} is not ${expected}`);
    if (looksAbsolute(value)) this.fail(node, `${what} must not hold an absolute path`);
    return value;
  }

  stringRecord(node: unknown, what: string, pattern: RegExp, expected: string): Record<string, string> {
    const result: Record<string, string> = {};
    for (const [key, value] of this.map(node, what)) {
      result[key] = this.string(value, `${what}.${key}`, pattern, expected);
    }
    return result;
  }

  stringList(node: unknown, what: string, pattern: RegExp, expected = "a package name"): string[] {
    if (!isSeq(node)) this.fail(node, `${what} must be a list`);
    return node.items.map((item) => this.string(item, what, pattern, expected));
  }
}

function looksAbsolute(value: string): boolean {
  return value.startsWith("/") || /^[A-Za-z]:[\\/]/.test(value) || value.startsWith("\\\\");
}

// ---------------------------------------------------------------- files

/** The project's `.dhtconfig`, or null when it does not exist. */
export function readDhtConfig(root: string): DhtConfig | null {
  const path = join(root, DHTCONFIG_FILE);
  if (!existsSync(path)) return null;
  return parseDhtConfig(readFileSync(path, "utf8"), DHTCONFIG_FILE);
}

/** Writes atomically; returns false (and touches nothing) when the file already holds these bytes. */
export function writeDhtConfig(root: string, config: DhtConfig): boolean {
  const path = join(root, DHTCONFIG_FILE);
  const text = renderDhtConfig(config);
  if (existsSync(path) && readFileSync(path, "utf8") === text) return false;
  writeFileAtomic(path, text);
  return true;
}

export { platformKey, sha256File } from "../python/platform.js";
