/**
 * The value model of the static setup.py evaluator: what a Python expression can be known to be without
 * running it — literals, dicts, a few special objects (modules, open files, paths, helper functions) —
 * or `Unknown`, which keeps the line and the reason for review.
 */
import { posix } from "node:path";
import type { Expr, Stmt } from "./literal-parser.js";

export class Unknown {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {}
}

export class PyDict {
  constructor(readonly entries: Map<string, PyValue> = new Map()) {}
}

/** A module or a name imported from one (`os.path`, `setuptools.setup`, `Path`). */
export interface ModuleRef {
  special: "module";
  name: string;
}
/** An open file (`open("x")`), not read until something asks. */
export interface FileRef {
  special: "file";
  path: string;
}
/** A `pathlib.Path`; plain path strings stay strings. */
export interface PathRef {
  special: "path";
  path: string;
}
export interface FunctionRef {
  special: "function";
  name: string;
  params: string[];
  body: Stmt[];
  env: Env;
}
export type Special = ModuleRef | FileRef | PathRef | FunctionRef;
export type PyValue = string | number | boolean | null | PyValue[] | PyDict | Special | Unknown;

/** A change to a variable; a conditional one (inside `if`/`for`/`try`) is reported, never applied. */
export type Op = (
  | { kind: "add" | "append" | "extend" | "update"; expr: Expr; env: Env; line: number }
  | { kind: "setitem"; key: Expr; expr: Expr; env: Env; line: number }
) & { conditional?: boolean; variable?: string };
export type Binding =
  | { kind: "expr"; expr: Expr; env: Env; ops: Op[] }
  | { kind: "value"; value: PyValue; ops: Op[] };
export type Env = Map<string, Binding>;

export function isSpecial<K extends Special["special"]>(
  value: PyValue | undefined,
  kind: K,
): value is Extract<Special, { special: K }> {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    "special" in value &&
    value.special === kind
  );
}

export function unknownFrom(value: PyValue | null | undefined, line: number, reason: string): Unknown {
  return value instanceof Unknown ? value : new Unknown(line, reason);
}

export function pathString(value: PyValue | null | undefined): string | null {
  if (typeof value === "string") return value;
  if (value !== null && value !== undefined && isSpecial(value, "path")) return value.path;
  return null;
}

export function joinPath(...parts: string[]): string {
  return posix.normalize(posix.join(...parts.map((p) => p.replace(/\\/g, "/"))));
}

export function stripBy(method: string, text: string): string {
  if (method === "lstrip") return text.trimStart();
  if (method === "rstrip") return text.trimEnd();
  return text.trim();
}
