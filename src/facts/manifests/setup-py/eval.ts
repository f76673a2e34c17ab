/**
 * Static evaluation of a parsed setup.py: follows module-level assignments, list mutations (`+=`, append,
 * extend), concatenation, `**kwargs`, small helper functions (`def read(f): return open(f).read()`), and
 * file reads with literal paths (`open`, `io.open`, `pathlib.Path.read_text`, `os.path.join(here, …)`).
 * Whatever depends on anything else evaluates to `Unknown`, which carries the line to review.
 * No code is executed: this walks the syntax tree and reads project files through the ReadContext.
 */
import { posix } from "node:path";
import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { isDhtlError } from "../../../core/errors.js";
import { resolveBeside } from "../pyproject/requirement-files.js";
import type { ReadContext } from "../types.js";
import { type Arg, type Expr, parsePython, type Stmt } from "./literal-parser.js";
import {
  type Binding,
  type Env,
  type FunctionRef,
  isSpecial,
  joinPath,
  type Op,
  PyDict,
  type PyValue,
  pathString,
  stripBy,
  Unknown,
  unknownFrom,
} from "./values.js";

export interface SetupCall {
  call: Extract<Expr, { kind: "call" }>;
  env: Env;
}

// Deep enough for long `x = x + [...]` chains, shallow enough to stop self-referencing tricks early.
const MAX_DEPTH = 200;
const MAX_VALUE_SIZE = 1_000_000;

function sizeOf(value: PyValue): number {
  return typeof value === "string" || Array.isArray(value) ? value.length : 0;
}

export class SetupInterpreter {
  readonly setupCalls: SetupCall[] = [];
  readonly diagnostics: Diagnostic[] = [];
  /** Files read to evaluate values, root-relative. */
  readonly includedFiles = new Set<string>();
  /** Where each line read from a file came from, so requirements keep their file and line. */
  readonly origins = new Map<string, { file: string; line: number }>();
  /** Conditional changes met while evaluating; the caller drains it per keyword to report them. */
  readonly conditionalChanges: { line: number; variable: string }[] = [];
  /** String values defined by a file run through `exec(open(…).read())`, with that file. */
  readonly definedIn = new Map<string, string>();
  private lastRead: string | null = null;
  private readonly cache = new WeakMap<
    Binding,
    { value: PyValue; notes: { line: number; variable: string }[] }
  >();
  private depth = 0;
  private discovering = true;

  constructor(
    private readonly file: string,
    private readonly ctx: ReadContext,
  ) {}

  run(module: Stmt[]): Env {
    const env: Env = new Map();
    this.exec(module, env, false);
    return env;
  }

  // ── statements ─────────────────────────────────────────────────────────
  /** Runs statements in order; returns the first unconditional `return` (for helper functions). */
  private exec(body: Stmt[], env: Env, conditional: boolean): { expr: Expr | null; env: Env } | null {
    for (const stmt of body) {
      const result = this.execOne(stmt, env, conditional);
      if (result) return result;
    }
    return null;
  }

  private execOne(stmt: Stmt, env: Env, conditional: boolean): { expr: Expr | null; env: Env } | null {
    switch (stmt.kind) {
      case "import":
        for (const { module, alias } of stmt.names) {
          const bound = alias ?? module.split(".")[0] ?? module;
          env.set(bound, {
            kind: "value",
            value: { special: "module", name: alias ? module : bound },
            ops: [],
          });
        }
        return null;
      case "from":
        for (const { name, alias } of stmt.names) {
          if (name === "*") continue;
          env.set(alias ?? name, {
            kind: "value",
            value: { special: "module", name: `${stmt.module}.${name}` },
            ops: [],
          });
        }
        return null;
      case "assign":
        this.discover(stmt.value, env);
        for (const target of stmt.targets) this.assign(target, stmt.value, env, conditional, stmt.line);
        return null;
      case "augassign":
        this.discover(stmt.value, env);
        if (stmt.target.kind === "name") {
          if (stmt.op === "+=" || stmt.op === "|=") {
            this.mutate(env, stmt.target.id, conditional, stmt.line, {
              kind: stmt.op === "+=" ? "add" : "update",
              expr: stmt.value,
              env: new Map(env),
              line: stmt.line,
            });
          } else this.bindUnknown(env, stmt.target.id, stmt.line, `changed with ${stmt.op}`);
        }
        return null;
      case "expr":
        this.discover(stmt.value, env);
        if (!this.execCall(stmt.value, env, conditional)) this.mutationCall(stmt.value, env, conditional);
        return null;
      case "return":
        if (conditional) return null;
        return { expr: stmt.value, env };
      case "if":
        for (const branch of stmt.branches) {
          const guard = branch.test.kind === "other" && branch.test.what === "main guard";
          const result = this.exec(branch.body, env, conditional || !guard);
          if (result && guard) return result;
        }
        this.exec(stmt.orelse, env, true);
        return null;
      case "with": {
        for (const item of stmt.items) {
          this.discover(item.value, env);
          if (item.target) this.assign(item.target, item.value, env, conditional, stmt.line);
        }
        return this.exec(stmt.body, env, conditional);
      }
      case "def":
        env.set(stmt.name, {
          kind: "value",
          value: { special: "function", name: stmt.name, params: stmt.params, body: stmt.body, env },
          ops: [],
        });
        if (this.discovering) {
          // setup() may be called from inside `def main():`; parameters are unknown there.
          const local: Env = new Map(env);
          for (const p of stmt.params) {
            const name = p.replace(/^\*+/, "");
            local.set(name, { kind: "value", value: new Unknown(stmt.line, `parameter ${name}`), ops: [] });
          }
          this.exec(stmt.body, local, conditional);
        }
        return null;
      case "block":
        if (stmt.what === "class") return null;
        for (const body of stmt.bodies) this.exec(body, env, true);
        return null;
      default:
        return null;
    }
  }

  private assign(target: Expr, value: Expr, env: Env, conditional: boolean, line: number): void {
    if (target.kind === "name") {
      if (conditional) this.bindUnknown(env, target.id, line, `${target.id} is assigned conditionally`);
      else env.set(target.id, { kind: "expr", expr: value, env: new Map(env), ops: [] });
    } else if (
      (target.kind === "tuple" || target.kind === "list") &&
      (value.kind === "tuple" || value.kind === "list") &&
      value.items.length === target.items.length
    ) {
      for (const [i, t] of target.items.entries())
        this.assign(t, value.items[i] as Expr, env, conditional, line);
    } else if (target.kind === "tuple" || target.kind === "list") {
      for (const t of target.items)
        if (t.kind === "name") this.bindUnknown(env, t.id, line, "unpacked from a computed value");
    } else if (target.kind === "subscript" && target.value.kind === "name") {
      this.mutate(env, target.value.id, conditional, line, {
        kind: "setitem",
        key: target.index,
        expr: value,
        env: new Map(env),
        line,
      });
    }
  }

  /**
   * `exec(open("pkg/version.py").read())` (optionally into a namespace dict): the classic way to share a
   * version. The file is parsed — not run — and its plain assignments become visible, as exec would make them.
   */
  private execCall(expr: Expr, env: Env, conditional: boolean): boolean {
    if (expr.kind !== "call" || expr.func.kind !== "name" || expr.func.id !== "exec") return false;
    const [code, namespace] = expr.args;
    if (!code || code.name !== null) return false;
    this.lastRead = null;
    const text = this.evaluate(code.value, env);
    const sourceFile = this.lastRead;
    if (typeof text !== "string" || conditional) return true;
    let statements: Stmt[];
    try {
      statements = parsePython(text, this.file);
    } catch (error) {
      if (isDhtlError(error)) return true;
      throw error;
    }
    const local: Env = namespace ? new Map() : env;
    const wasDiscovering = this.discovering;
    this.discovering = false;
    try {
      this.exec(statements, local, false);
    } finally {
      this.discovering = wasDiscovering;
    }
    if (namespace?.value.kind === "name") {
      const dict = new PyDict();
      for (const [key, binding] of local) {
        dict.entries.set(
          key,
          binding.kind === "value" ? binding.value : this.evaluate(binding.expr, binding.env),
        );
      }
      env.set(namespace.value.id, { kind: "value", value: dict, ops: [] });
    }
    if (sourceFile) this.rememberDefinedStrings(statements, local, sourceFile);
    return true;
  }

  /** Strings an exec'd file assigns (`__version__ = "1.2"`), so a value can name the file it came from. */
  private rememberDefinedStrings(statements: Stmt[], env: Env, file: string): void {
    for (const stmt of statements) {
      if (stmt.kind !== "assign") continue;
      for (const target of stmt.targets) {
        if (target.kind !== "name") continue;
        const binding = env.get(target.id);
        const value = binding?.kind === "expr" ? this.evaluate(binding.expr, binding.env) : binding?.value;
        if (typeof value === "string" && !this.definedIn.has(value)) this.definedIn.set(value, file);
      }
    }
  }

  private mutationCall(expr: Expr, env: Env, conditional: boolean): void {
    if (expr.kind !== "call" || expr.func.kind !== "attr" || expr.func.value.kind !== "name") return;
    const name = expr.func.value.id;
    const method = expr.func.attr;
    const arg = expr.args[0];
    if (!env.has(name)) return;
    if (
      (method === "append" || method === "extend" || method === "update") &&
      arg &&
      arg.name === null &&
      expr.args.length === 1
    ) {
      this.mutate(env, name, conditional, expr.line, {
        kind: method,
        expr: arg.value,
        env: new Map(env),
        line: expr.line,
      });
    } else if (
      ["insert", "remove", "pop", "clear", "sort", "reverse", "setdefault", "__setitem__"].includes(method)
    ) {
      this.bindUnknown(env, name, expr.line, `${name}.${method}() changes it`);
    }
  }

  private mutate(env: Env, name: string, conditional: boolean, line: number, op: Op): void {
    const binding = env.get(name);
    if (!binding) this.bindUnknown(env, name, line, `${name} is changed before it is assigned`);
    else env.set(name, { ...binding, ops: [...binding.ops, { ...op, conditional, variable: name }] });
  }

  private bindUnknown(env: Env, name: string, line: number, reason: string): void {
    env.set(name, { kind: "value", value: new Unknown(line, reason), ops: [] });
  }

  /** Records every `setup(...)` call inside an expression. */
  private discover(expr: Expr, env: Env): void {
    if (!this.discovering) return;
    walk(expr, (node) => {
      if (node.kind === "call" && (isSetupCallee(node.func) || this.isImportedSetup(node.func, env))) {
        this.setupCalls.push({ call: node, env: new Map(env) });
      }
    });
  }

  /** `from setuptools import setup as _setup` … `_setup(...)`. */
  private isImportedSetup(func: Expr, env: Env): boolean {
    if (func.kind !== "name") return false;
    const binding = env.get(func.id);
    return (
      binding?.kind === "value" &&
      isSpecial(binding.value, "module") &&
      /^(setuptools|distutils\.core)\.setup$/.test(binding.value.name)
    );
  }

  // ── expressions ────────────────────────────────────────────────────────
  evaluate(expr: Expr, env: Env): PyValue {
    if (this.depth > MAX_DEPTH) return new Unknown(expr.line, "too deeply nested to follow");
    this.depth++;
    try {
      return this.evaluateInner(expr, env);
    } finally {
      this.depth--;
    }
  }

  private evaluateInner(expr: Expr, env: Env): PyValue {
    switch (expr.kind) {
      case "str":
        return expr.formatted ? this.fString(expr.parts ?? [], env, expr.line) : expr.value;
      case "num":
      case "const":
        return expr.value;
      case "name":
        return this.lookup(expr.id, env);
      case "list":
      case "tuple":
      case "set": {
        const out: PyValue[] = [];
        for (const item of expr.items) {
          if (item.kind === "starred") {
            const spread = this.evaluate(item.value, env);
            if (Array.isArray(spread)) out.push(...spread);
            else out.push(unknownFrom(spread, item.line, "a computed *spread"));
          } else out.push(this.evaluate(item, env));
        }
        return out;
      }
      case "dict": {
        const dict = new PyDict();
        for (const entry of expr.entries) {
          if ("spread" in entry) {
            const spread = this.evaluate(entry.spread, env);
            if (!(spread instanceof PyDict))
              return unknownFrom(spread, entry.spread.line, "a computed **spread");
            for (const [k, v] of spread.entries) dict.entries.set(k, v);
            continue;
          }
          const key = this.evaluate(entry.key, env);
          if (typeof key !== "string" && typeof key !== "number")
            return unknownFrom(key, entry.key.line, "a computed key");
          dict.entries.set(String(key), this.evaluate(entry.value, env));
        }
        return dict;
      }
      case "call":
        return this.call(expr, env);
      case "attr": {
        const value = this.evaluate(expr.value, env);
        if (isSpecial(value, "module")) return { special: "module", name: `${value.name}.${expr.attr}` };
        if (isSpecial(value, "path") && expr.attr === "parent")
          return { special: "path", path: posix.dirname(value.path) };
        if (isSpecial(value, "path") && (expr.attr === "name" || expr.attr === "stem"))
          return posix.basename(value.path);
        return unknownFrom(value, expr.line, `.${expr.attr} of a computed value`);
      }
      case "subscript": {
        const value = this.evaluate(expr.value, env);
        const index = this.evaluate(expr.index, env);
        if (Array.isArray(value) && typeof index === "number") {
          const item = value[index < 0 ? value.length + index : index];
          if (item !== undefined) return item;
        }
        if (value instanceof PyDict && (typeof index === "string" || typeof index === "number")) {
          const item = value.entries.get(String(index));
          if (item !== undefined) return item;
        }
        return unknownFrom(value, expr.line, "a computed subscript");
      }
      case "binop":
        return this.binop(expr.op, this.evaluate(expr.left, env), this.evaluate(expr.right, env), expr.line);
      case "comp":
        return this.comprehension(expr, env);
      case "starred":
        return new Unknown(expr.line, "a *spread");
      case "other":
        return new Unknown(expr.line, `a ${expr.what}`);
    }
  }

  /** An f-string whose fields are all known strings or numbers. */
  private fString(parts: (string | Expr)[], env: Env, line: number): PyValue {
    let out = "";
    for (const part of parts) {
      const value = typeof part === "string" ? part : this.evaluate(part, env);
      if (typeof value === "string") out += value;
      else if (typeof value === "number") out += String(value);
      else
        return new Unknown(
          line,
          `an f-string with a computed field (${unknownFrom(value, line, "not a string").reason})`,
        );
    }
    return out;
  }

  /** `"{}.{}".format(3, 8)` / `"{name}".format(name=x)` with plain fields and known string/number arguments. */
  private format(template: string, args: Arg[], env: Env, line: number): PyValue {
    const positional: PyValue[] = [];
    const named = new Map<string, PyValue>();
    for (const arg of args) {
      const value = this.evaluate(arg.value, env);
      if (arg.name === null) positional.push(value);
      else if (arg.name === "*" && Array.isArray(value)) positional.push(...value);
      else if (arg.name === "**" && value instanceof PyDict)
        for (const [k, v] of value.entries) named.set(k, v);
      else if (arg.name !== "*" && arg.name !== "**") named.set(arg.name, value);
      else return new Unknown(line, "format() with computed arguments");
    }
    let auto = 0;
    let failed = false;
    const text = template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (whole, field: string | undefined) => {
      if (whole === "{{") return "{";
      if (whole === "}}") return "}";
      const key = field ?? "";
      const value =
        key === "" ? positional[auto++] : /^\d+$/.test(key) ? positional[Number(key)] : named.get(key);
      if (typeof value === "string" || typeof value === "number") return String(value);
      failed = true;
      return "";
    });
    return failed ? new Unknown(line, "a call to .format() with computed fields") : text;
  }

  private lookup(name: string, env: Env): PyValue {
    const binding = env.get(name);
    if (!binding) {
      if (name === "__file__") return posix.basename(this.file);
      // Builtins and names imported with `*`: resolved as module-level names by their spelling.
      return { special: "module", name };
    }
    // Bindings never change once made, so each is evaluated once: `a = a + a` chains stay linear.
    const cached = this.cache.get(binding);
    if (cached) {
      this.conditionalChanges.push(...cached.notes);
      return cached.value;
    }
    const mark = this.conditionalChanges.length;
    let value = binding.kind === "value" ? binding.value : this.evaluate(binding.expr, binding.env);
    for (const op of binding.ops) value = this.applyOp(value, op);
    this.cache.set(binding, { value, notes: this.conditionalChanges.slice(mark) });
    return value;
  }

  private applyOp(value: PyValue, op: Op): PyValue {
    if (op.conditional) {
      // What is certain stays; what may be added is named for review rather than guessed at.
      this.conditionalChanges.push({ line: op.line, variable: op.variable ?? "it" });
      return value;
    }
    const operand = this.evaluate(op.expr, op.env);
    switch (op.kind) {
      case "add":
        return this.binop("+", value, operand, op.line);
      case "update":
        return this.binop("|", value, operand, op.line);
      case "append":
        return Array.isArray(value)
          ? [...value, operand]
          : unknownFrom(value, op.line, "append to a computed value");
      case "extend":
        if (Array.isArray(value) && Array.isArray(operand)) return [...value, ...operand];
        return unknownFrom(Array.isArray(value) ? operand : value, op.line, "extend with a computed value");
      case "setitem": {
        const key = this.evaluate(op.key, op.env);
        if (!(value instanceof PyDict) || typeof key !== "string")
          return unknownFrom(value, op.line, "a computed item");
        const copy = new PyDict(new Map(value.entries));
        copy.entries.set(key, operand);
        return copy;
      }
    }
  }

  private binop(op: string, left: PyValue, right: PyValue, line: number): PyValue {
    if (left instanceof Unknown) return left;
    if (right instanceof Unknown) return right;
    if (op === "+") {
      // A hostile setup.py must not make analysis eat memory: setup() values are small.
      if (sizeOf(left) + sizeOf(right) > MAX_VALUE_SIZE)
        return new Unknown(line, "a value too large to follow");
      if (typeof left === "string" && typeof right === "string") return left + right;
      if (typeof left === "number" && typeof right === "number") return left + right;
      if (Array.isArray(left) && Array.isArray(right)) return [...left, ...right];
    }
    if (op === "|" && left instanceof PyDict && right instanceof PyDict) {
      return new PyDict(new Map([...left.entries, ...right.entries]));
    }
    if (op === "/" && isSpecial(left, "path")) {
      const tail = typeof right === "string" ? right : isSpecial(right, "path") ? right.path : null;
      if (tail !== null) return { special: "path", path: joinPath(left.path, tail) };
    }
    return new Unknown(line, `a computed '${op}'`);
  }

  private comprehension(expr: Extract<Expr, { kind: "comp" }>, env: Env): PyValue {
    const iter = this.evaluate(expr.iter, env);
    const fromFile = isSpecial(iter, "file");
    const items = fromFile ? this.readLines(iter.path, expr.line) : iter;
    if (!Array.isArray(items)) return unknownFrom(items, expr.line, "a comprehension over a computed value");
    if (expr.target.kind !== "name") return new Unknown(expr.line, "a comprehension");
    const variable = expr.target.id;
    if (expr.conditions.length > 0) {
      if (!fromFile && !items.every((i) => typeof i === "string"))
        return new Unknown(expr.line, "a filtered comprehension");
      // Requirement files are filtered for blank and comment lines later anyway; any other filter is not
      // evaluated, so say so rather than silently guess.
      this.diagnostics.push(
        diagnostic(
          "review",
          this.file,
          `a filter in the comprehension at line ${expr.line} was not evaluated; blank and comment lines are dropped, review any other filtering`,
          expr.line,
        ),
      );
    }
    const out: PyValue[] = [];
    for (const item of items) {
      const local: Env = new Map(env);
      local.set(variable, { kind: "value", value: item, ops: [] });
      out.push(this.evaluate(expr.element, local));
    }
    return out;
  }

  // ── calls ──────────────────────────────────────────────────────────────
  private call(expr: Extract<Expr, { kind: "call" }>, env: Env): PyValue {
    if (expr.func.kind === "attr") {
      const target = this.evaluate(expr.func.value, env);
      if (!isSpecial(target, "module")) return this.method(target, expr.func.attr, expr.args, env, expr.line);
    }
    const callee = this.evaluate(expr.func, env);
    if (isSpecial(callee, "function")) return this.callFunction(callee, expr.args, env, expr.line);
    if (isSpecial(callee, "module")) return this.builtin(callee.name, expr.args, env, expr.line);
    return unknownFrom(callee, expr.line, "a call to a computed function");
  }

  /** Positional argument values, with `*list` expanded; null when keywords or a computed `*args` are passed. */
  private positional(args: Arg[], env: Env): PyValue[] | null {
    const out: PyValue[] = [];
    for (const arg of args) {
      if (arg.name !== null && arg.name !== "*") return null;
      const value = this.evaluate(arg.value, env);
      if (arg.name === null) out.push(value);
      else if (Array.isArray(value)) out.push(...value);
      else return null;
    }
    return out;
  }

  private builtin(name: string, args: Arg[], env: Env, line: number): PyValue {
    const short = name.replace(/^(builtins|io|codecs)\./, "");
    const values = () => this.positional(args, env);
    switch (short) {
      case "open": {
        const first = args[0] && args[0].name === null ? this.evaluate(args[0].value, env) : null;
        const path = pathString(first);
        return path === null
          ? unknownFrom(first, line, "open() of a computed path")
          : { special: "file", path };
      }
      case "os.path.join":
      case "posixpath.join": {
        const parts = values();
        if (parts?.every((p) => typeof p === "string")) return joinPath(...(parts as string[]));
        return new Unknown(line, "os.path.join of computed parts");
      }
      case "os.path.dirname": {
        const [p] = values() ?? [];
        return typeof p === "string" ? posix.dirname(p) : new Unknown(line, "dirname of a computed path");
      }
      case "os.path.abspath":
      case "os.path.realpath":
      case "os.path.normpath": {
        const [p] = values() ?? [];
        return typeof p === "string" ? posix.normalize(p) : new Unknown(line, `${short} of a computed path`);
      }
      case "os.getcwd":
        return ".";
      case "pathlib.Path":
      case "pathlib.PurePath":
      case "Path": {
        const parts = values();
        if (!parts) return new Unknown(line, "Path() of computed arguments");
        const strings = parts.map(pathString);
        if (strings.every((s) => s !== null))
          return { special: "path", path: joinPath(".", ...(strings as string[])) };
        return new Unknown(line, "Path() of a computed value");
      }
      case "dict": {
        const dict = new PyDict();
        for (const arg of args) {
          const value = this.evaluate(arg.value, env);
          if (arg.name === null || arg.name === "**") {
            if (!(value instanceof PyDict)) return unknownFrom(value, line, "dict() of a computed value");
            for (const [k, v] of value.entries) dict.entries.set(k, v);
          } else if (arg.name === "*") return new Unknown(line, "dict(*args)");
          else dict.entries.set(arg.name, value);
        }
        return dict;
      }
      case "list":
      case "tuple":
      case "sorted":
      case "set": {
        const [value] = values() ?? [new Unknown(line, `${short}() with keywords`)];
        if (value === undefined) return [];
        if (Array.isArray(value))
          return short === "sorted" && value.every((v) => typeof v === "string") ? [...value].sort() : value;
        if (isSpecial(value, "file")) return this.readLines(value.path, line);
        return unknownFrom(value, line, `${short}() of a computed value`);
      }
      case "filter": {
        const [fn, value] = values() ?? [];
        if (fn === null && Array.isArray(value))
          return value.filter((v) => v !== "" && v !== null && v !== false && v !== 0);
        return new Unknown(line, "filter() with a function");
      }
      case "map": {
        const [fn = null, value = null] = values() ?? [];
        const items = isSpecial(value, "file") ? this.readLines(value.path, line) : value;
        if (isSpecial(fn, "module") && /^str\.(strip|rstrip|lstrip)$/.test(fn.name) && Array.isArray(items)) {
          return items.map((i) => (typeof i === "string" ? stripBy(fn.name.slice(4), i) : i));
        }
        return new Unknown(line, "map() with a function");
      }
      case "str": {
        const [value] = values() ?? [];
        return typeof value === "string" ? value : new Unknown(line, "str() of a computed value");
      }
      default:
        return new Unknown(line, `a call to ${name}()`);
    }
  }

  private method(target: PyValue, method: string, args: Arg[], env: Env, line: number): PyValue {
    if (target instanceof Unknown) return target;
    if (typeof target === "string" && method === "format") return this.format(target, args, env, line);
    const argValues = this.positional(args, env);
    if (!argValues) return new Unknown(line, `.${method}() with keywords`);
    const [a0, a1] = argValues;
    if (isSpecial(target, "file")) {
      if (method === "read") return this.readText(target.path, line);
      if (method === "readlines") return this.readLines(target.path, line);
      if (method === "__enter__") return target;
    }
    if (isSpecial(target, "path")) {
      if (method === "read_text") return this.readText(target.path, line);
      if (method === "open") return { special: "file", path: target.path };
      if (method === "resolve" || method === "absolute" || method === "expanduser") return target;
      if (method === "joinpath" && argValues.every((v) => typeof v === "string"))
        return { special: "path", path: joinPath(target.path, ...(argValues as string[])) };
    }
    if (typeof target === "string") {
      switch (method) {
        case "strip":
        case "rstrip":
        case "lstrip":
          if (a0 === undefined || a0 === null) return stripBy(method, target);
          break;
        case "splitlines":
          return this.splitLines(target);
        case "split":
          if (a0 === "\n") return this.splitLines(target);
          if (a0 === undefined || a0 === null) return target.split(/\s+/).filter((s) => s !== "");
          if (typeof a0 === "string") return target.split(a0);
          break;
        case "lower":
          return target.toLowerCase();
        case "upper":
          return target.toUpperCase();
        case "replace":
          if (typeof a0 === "string" && typeof a1 === "string") return target.split(a0).join(a1);
          break;
        case "join":
          if (Array.isArray(a0) && a0.every((v) => typeof v === "string")) return a0.join(target);
          break;
        case "encode":
        case "decode":
          return target;
      }
    }
    if (target instanceof PyDict) {
      if (method === "get" && typeof a0 === "string") return target.entries.get(a0) ?? a1 ?? null;
      if (method === "copy") return target;
    }
    if (Array.isArray(target) && method === "copy") return target;
    return new Unknown(line, `a call to .${method}()`);
  }

  private callFunction(fn: FunctionRef, args: Arg[], env: Env, line: number): PyValue {
    const values = this.positional(args, env);
    if (!values || this.depth > MAX_DEPTH / 2) return new Unknown(line, `a call to ${fn.name}()`);
    const local: Env = new Map(fn.env);
    fn.params.forEach((p, i) => {
      let value: PyValue | undefined = values[i];
      if (p.startsWith("**")) value = new PyDict();
      else if (p.startsWith("*")) value = values.slice(i);
      const name = p.replace(/^\*+/, "");
      local.set(name, {
        kind: "value",
        value: value === undefined ? new Unknown(line, `parameter ${name}`) : value,
        ops: [],
      });
    });
    const wasDiscovering = this.discovering;
    this.discovering = false;
    try {
      const result = this.exec(fn.body, local, false);
      if (!result?.expr) return new Unknown(line, `a call to ${fn.name}()`);
      const value = this.evaluate(result.expr, result.env);
      return value instanceof Unknown ? new Unknown(line, `a call to ${fn.name}() (${value.reason})`) : value;
    } finally {
      this.discovering = wasDiscovering;
    }
  }

  // ── files ──────────────────────────────────────────────────────────────
  private readText(path: string, line: number): PyValue {
    const rel = resolveBeside(this.file, path);
    if (rel.startsWith("../")) return new Unknown(line, `a read of '${path}', outside the project`);
    try {
      const source = this.ctx.readFile(rel, { file: this.file, line });
      this.includedFiles.add(source.path);
      this.lastRead = source.path;
      source.text.split(/\r\n|\n|\r/).forEach((text, i) => {
        const key = text.trim();
        if (key !== "" && !this.origins.has(key)) this.origins.set(key, { file: source.path, line: i + 1 });
      });
      return source.text;
    } catch (error) {
      if (!isDhtlError(error)) throw error;
      return new Unknown(line, `a read of '${path}' (${error.message})`);
    }
  }

  private readLines(path: string, line: number): PyValue {
    const text = this.readText(path, line);
    return typeof text === "string" ? this.splitLines(text) : text;
  }

  private splitLines(text: string): string[] {
    const lines = text.split(/\r\n|\n|\r/);
    if (lines[lines.length - 1] === "") lines.pop();
    return lines;
  }
}

function walk(expr: Expr, visit: (node: Expr) => void): void {
  visit(expr);
  switch (expr.kind) {
    case "list":
    case "tuple":
    case "set":
      for (const item of expr.items) walk(item, visit);
      return;
    case "dict":
      for (const entry of expr.entries) {
        if ("spread" in entry) walk(entry.spread, visit);
        else {
          walk(entry.key, visit);
          walk(entry.value, visit);
        }
      }
      return;
    case "call":
      walk(expr.func, visit);
      for (const arg of expr.args) walk(arg.value, visit);
      return;
    case "attr":
    case "starred":
      walk(expr.value, visit);
      return;
    case "subscript":
      walk(expr.value, visit);
      walk(expr.index, visit);
      return;
    case "binop":
      walk(expr.left, visit);
      walk(expr.right, visit);
      return;
    case "comp":
      walk(expr.element, visit);
      walk(expr.iter, visit);
      return;
  }
}

function isSetupCallee(func: Expr): boolean {
  if (func.kind === "name") return func.id === "setup";
  return (
    func.kind === "attr" &&
    func.attr === "setup" &&
    func.value.kind === "name" &&
    /^(setuptools|distutils|core)$/.test(func.value.id)
  );
}
