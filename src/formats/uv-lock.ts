/**
 * The one reader of `uv.lock`. uv writes the file in one canonical layout (one `key = value` per line at a
 * package's top level, inline tables for `source`, one array entry per line), so it is read by scanning
 * lines rather than by a TOML parser, which takes 80–200 ms on the 1.3 MB lock of a 200-package project.
 * Each `[[package]]` gives its name, version and source at once; its resolution markers and wheels, which
 * only a few callers need for a few packages, are read from the block when first asked for.
 */
import { normalizeName } from "../pep/names.js";

/** Where a locked package comes from: `source = { registry = "https://pypi.org/simple" }` → registry. */
export interface UvLockSource {
  kind: "registry" | "editable" | "directory" | "path" | "virtual" | "git" | "url" | string;
  /** The URL or path, as written. */
  value: string;
}

export interface UvLockPackage {
  /** As written in the lock. */
  name: string;
  /** PEP 503-normalised. */
  normalized: string;
  /** Null for the project itself when it is dynamic or virtual. */
  version: string | null;
  source: UvLockSource | null;
  /** The forks this entry is locked for; null when it serves every one. */
  readonly resolutionMarkers: string[] | null;
  /** File names of the wheels the lock lists for it. */
  readonly wheels: string[];
}

export interface UvLock {
  /** `[manifest] members`: the workspace members, or null for a single project. */
  workspaceMembers: string[] | null;
  packages: UvLockPackage[];
}

let last: { text: string; lock: UvLock } | null = null;

/** Reads a uv.lock's text; the same text read twice in one run is scanned once. */
export function readUvLock(text: string): UvLock {
  if (last?.text === text) return last.lock;
  const blocks = text.split(/^\[\[package\]\]\r?$/m).slice(1);
  const lock: UvLock = { workspaceMembers: workspaceMembers(text), packages: [] };
  for (const block of blocks) {
    const name = /^name = "([^"]+)"\r?$/m.exec(block)?.[1];
    if (name) lock.packages.push(lockedPackage(name, block));
  }
  last = { text, lock };
  return lock;
}

/** The normalised names of every package the lock pins. */
export function uvLockNames(text: string): string[] {
  return [...new Set(readUvLock(text).packages.map((pkg) => pkg.normalized))].sort();
}

function lockedPackage(name: string, block: string): UvLockPackage {
  const source = /^source = \{ ([a-z-]+) = "((?:[^"\\]|\\.)*)"/m.exec(block);
  let markers: string[] | null | undefined;
  let wheels: string[] | undefined;
  return {
    name,
    normalized: normalizeName(name),
    version: /^version = "([^"]+)"\r?$/m.exec(block)?.[1] ?? null,
    source: source ? { kind: source[1]!, value: unescapeQuotes(source[2]!) } : null,
    get resolutionMarkers() {
      if (markers === undefined) {
        const body = arrayBody(block, "resolution-markers");
        markers = body === null ? null : quotedStrings(body);
      }
      return markers;
    },
    get wheels() {
      wheels ??= [...(arrayBody(block, "wheels") ?? "").matchAll(/\{[^}]*\}/g)].flatMap(
        (table) => wheelFileName(table[0]) ?? [],
      );
      return wheels;
    },
  };
}

function workspaceMembers(text: string): string[] | null {
  const manifest = text.split(/^\[manifest\]\r?$/m)[1];
  if (manifest === undefined) return null;
  const body = arrayBody(manifest.split(/^\[/m)[0]!, "members");
  return body === null ? null : quotedStrings(body);
}

/** The text inside a `key = [ … ]` entry of a block, on one line or many (null when absent). */
function arrayBody(block: string, key: string): string | null {
  const match = new RegExp(`^${key} = \\[(.*)$`, "m").exec(block);
  if (!match) return null;
  const firstLine = match[1]!;
  if (firstLine.trim() !== "") return firstLine.replace(/\]\s*$/, "");
  const from = match.index + match[0].length;
  const close = block.indexOf("\n]", from);
  return close < 0 ? block.slice(from) : block.slice(from, close);
}

/** The TOML basic strings of an array body, unescaped (`"python_full_version < '3.11'"`). */
function quotedStrings(body: string): string[] {
  return [...body.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => unescapeQuotes(match[1]!));
}

function unescapeQuotes(text: string): string {
  return text.replace(/\\(["\\])/g, "$1");
}

/** `{ url = "https://…/numpy-2.3.4-cp313-….whl", hash = … }` → the wheel's file name. */
function wheelFileName(table: string): string | null {
  const location = /\b(?:url|path|filename) = "([^"]+)"/.exec(table)?.[1];
  if (!location) return null;
  const file = location.split(/[?#]/)[0]!.split("/").pop() ?? "";
  if (!file.endsWith(".whl")) return null;
  try {
    return decodeURIComponent(file);
  } catch {
    // A malformed escape: the name as written (it then simply matches no tag).
    return file;
  }
}
