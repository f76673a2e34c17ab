/**
 * A recursive-descent parser for the Python statements and expressions found in setup.py files.
 * It accepts the whole expression grammar (so real files parse) but keeps detail only where setup.py
 * analysis needs it: literals, names, attributes, calls, subscripts, `+`/`|`, comprehensions, assignments,
 * and the block structure (if/with/def/for/try …). Everything else is an `other` node that evaluates to
 * "unknown". Nothing is ever executed.
 */
import { DhtlError } from "../../../core/errors.js";
import { decodeEscapes, type Token, tokenize } from "../../../formats/python-source/tokenizer.js";

export type Expr =
  /** `parts` holds an f-string's literal text and replacement-field expressions, in order. */
  | { kind: "str"; value: string; line: number; formatted: boolean; parts?: (string | Expr)[] }
  | { kind: "num"; value: number; line: number }
  | { kind: "const"; value: boolean | null; line: number }
  | { kind: "name"; id: string; line: number }
  | { kind: "list" | "tuple" | "set"; items: Expr[]; line: number }
  | { kind: "dict"; entries: DictEntry[]; line: number }
  | { kind: "call"; func: Expr; args: Arg[]; line: number }
  | { kind: "attr"; value: Expr; attr: string; line: number }
  | { kind: "subscript"; value: Expr; index: Expr; line: number }
  | { kind: "binop"; op: string; left: Expr; right: Expr; line: number }
  | { kind: "comp"; element: Expr; target: Expr; iter: Expr; conditions: Expr[]; line: number }
  | { kind: "starred"; value: Expr; line: number }
  | { kind: "other"; what: string; line: number };

export type DictEntry = { key: Expr; value: Expr } | { spread: Expr };
export interface Arg {
  /** Keyword name, `*` for `*args`, `**` for `**kwargs`, null for positional. */
  name: string | null;
  value: Expr;
}

export type Stmt =
  | { kind: "assign"; targets: Expr[]; value: Expr; line: number }
  | { kind: "augassign"; target: Expr; op: string; value: Expr; line: number }
  | { kind: "expr"; value: Expr; line: number }
  | { kind: "import"; names: { module: string; alias: string | null }[]; line: number }
  | { kind: "from"; module: string; names: { name: string; alias: string | null }[]; line: number }
  | { kind: "return"; value: Expr | null; line: number }
  | { kind: "if"; branches: { test: Expr; body: Stmt[] }[]; orelse: Stmt[]; line: number }
  | { kind: "with"; items: { value: Expr; target: Expr | null }[]; body: Stmt[]; line: number }
  | { kind: "def"; name: string; params: string[]; body: Stmt[]; line: number }
  /** for/while/try/class/match: bodies whose statements run conditionally, or not at all. */
  | { kind: "block"; what: string; bodies: Stmt[][]; line: number }
  | { kind: "other"; what: string; line: number };

const AUG_OPS = new Set(["+=", "-=", "*=", "/=", "//=", "%=", "**=", ">>=", "<<=", "&=", "|=", "^=", "@="]);
const COMPARE_OPS = new Set(["<", ">", "==", ">=", "<=", "!=", "<>"]);

export function parsePython(source: string, file: string): Stmt[] {
  const tokens = tokenize(source, file);
  try {
    return new Parser(tokens, file).module();
  } catch (error) {
    // Pathological nesting (`- - - … x`) exhausts the stack; CPython refuses such files too.
    if (error instanceof RangeError) {
      throw new DhtlError("badInput", "Python syntax error: too deeply nested to parse", { file });
    }
    throw error;
  }
}

class Parser {
  private pos = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly file: string,
  ) {}

  module(): Stmt[] {
    const body: Stmt[] = [];
    while (!this.at("end")) {
      if (this.at("newline")) {
        this.pos++;
        continue;
      }
      body.push(...this.statement());
    }
    return body;
  }

  // ── tokens ──────────────────────────────────────────────────────────────
  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }
  private at(kind: Token["kind"], text?: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === kind && (text === undefined || t.text === text);
  }
  private atOp(text: string): boolean {
    return this.at("op", text);
  }
  private atKeyword(text: string): boolean {
    return this.at("name", text);
  }
  private next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  private eat(kind: Token["kind"], text?: string): boolean {
    if (!this.at(kind, text)) return false;
    this.pos++;
    return true;
  }
  private expect(kind: Token["kind"], text?: string): Token {
    if (!this.at(kind, text)) this.fail(`expected ${text ? `'${text}'` : kind}`);
    return this.next();
  }
  private fail(message: string): never {
    const t = this.peek();
    const found = t.kind === "newline" ? "end of line" : t.kind === "end" ? "end of file" : `'${t.text}'`;
    throw new DhtlError("badInput", `Python syntax error: ${message}, found ${found}`, {
      file: this.file,
      line: t.line,
    });
  }

  // ── statements ─────────────────────────────────────────────────────────
  private statement(): Stmt[] {
    const t = this.peek();
    if (t.kind === "indent") this.fail("unexpected indent");
    if (t.kind === "op" && t.text === "@") {
      while (this.eat("op", "@")) {
        this.namedTest();
        this.expect("newline");
      }
      return this.statement();
    }
    if (t.kind === "name") {
      switch (t.text) {
        case "if":
          return [this.ifStatement()];
        case "with":
          return [this.withStatement()];
        case "def":
          return [this.defStatement()];
        case "async":
          this.next();
          return this.statement();
        case "for":
        case "while":
        case "try":
        case "class":
          return [this.otherCompound(t.text)];
      }
      if (
        (t.text === "match" || t.text === "case") &&
        this.logicalLineEndsWithColon() &&
        !this.at("op", "=", 1)
      ) {
        return [this.otherCompound(t.text)];
      }
    }
    return this.simpleStatements();
  }

  /** Soft keywords (`match`, `case`) start a compound statement only when their line ends with `:`. */
  private logicalLineEndsWithColon(): boolean {
    let i = this.pos;
    while (i < this.tokens.length && this.tokens[i]?.kind !== "newline" && this.tokens[i]?.kind !== "end")
      i++;
    const last = this.tokens[i - 1];
    return last?.kind === "op" && last.text === ":";
  }

  private suite(): Stmt[] {
    this.expect("op", ":");
    if (!this.eat("newline")) return this.simpleStatements();
    while (this.eat("newline")) {}
    if (!this.eat("indent")) this.fail("expected an indented block");
    const body: Stmt[] = [];
    while (!this.eat("dedent")) {
      if (this.at("end")) break;
      if (this.eat("newline")) continue;
      body.push(...this.statement());
    }
    return body;
  }

  private ifStatement(): Stmt {
    const line = this.next().line;
    const branches = [{ test: this.namedTest(), body: this.suite() }];
    let orelse: Stmt[] = [];
    while (this.atKeyword("elif")) {
      this.next();
      branches.push({ test: this.namedTest(), body: this.suite() });
    }
    if (this.atKeyword("else")) {
      this.next();
      orelse = this.suite();
    }
    return { kind: "if", branches, orelse, line };
  }

  private withStatement(): Stmt {
    const line = this.next().line;
    const items: { value: Expr; target: Expr | null }[] = [];
    const parenthesised = this.atOp("(") && this.parenthesisedWithItems();
    if (parenthesised) this.next();
    do {
      if (parenthesised && this.atOp(")")) break;
      const value = this.test();
      const target = this.eat("name", "as") ? this.orExpr() : null;
      items.push({ value, target });
    } while (this.eat("op", ","));
    if (parenthesised) this.expect("op", ")");
    return { kind: "with", items, body: this.suite(), line };
  }

  /** `with (a as b, c as d):` — an `as` at depth one inside the parentheses tells it from `with (a):`. */
  private parenthesisedWithItems(): boolean {
    let depth = 0;
    for (let i = this.pos; i < this.tokens.length; i++) {
      const t = this.tokens[i] as Token;
      if (t.kind === "op" && "([{".includes(t.text)) depth++;
      else if (t.kind === "op" && ")]}".includes(t.text)) {
        depth--;
        if (depth === 0) return false;
      } else if (depth === 1 && t.kind === "name" && t.text === "as") return true;
      else if (t.kind === "newline") return false;
    }
    return false;
  }

  private defStatement(): Stmt {
    const line = this.next().line;
    const name = this.expect("name").text;
    if (this.atOp("[")) this.skipBalanced(); // PEP 695 type parameters
    this.expect("op", "(");
    const params: string[] = [];
    while (!this.atOp(")")) {
      // Parameters keep their star: `*args` / `**kwargs` tell the evaluator how to bind them.
      const star = this.atOp("*") || this.atOp("**") || this.atOp("/") ? this.next().text : "";
      if (star && (this.atOp(",") || this.atOp(")"))) {
        this.eat("op", ",");
        continue;
      }
      params.push(star + this.expect("name").text);
      if (this.eat("op", ":")) this.starOrTest();
      if (this.eat("op", "=")) this.test();
      if (!this.eat("op", ",")) break;
    }
    this.expect("op", ")");
    if (this.eat("op", "->")) this.test();
    return { kind: "def", name, params, body: this.suite(), line };
  }

  /** for/while/try/class/match: parsed for syntax, kept as bodies that may or may not run. */
  private otherCompound(what: string): Stmt {
    const line = this.peek().line;
    const bodies: Stmt[][] = [];
    const clause = () => {
      this.next();
      while (!this.atOp(":")) {
        if (this.at("newline") || this.at("end")) this.fail("expected ':'");
        if (this.atOp("(") || this.atOp("[") || this.atOp("{")) this.skipBalanced();
        else if (this.atKeyword("lambda")) this.test();
        else this.next();
      }
      bodies.push(this.suite());
    };
    clause();
    const followers: Record<string, string[]> = {
      for: ["else"],
      while: ["else"],
      try: ["except", "else", "finally"],
    };
    const allowed = followers[what] ?? [];
    while (this.at("name") && allowed.includes(this.peek().text)) clause();
    return { kind: "block", what, bodies, line };
  }

  private skipBalanced(): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === "op" && "([{".includes(t.text)) depth++;
      else if (t.kind === "op" && ")]}".includes(t.text)) depth--;
    } while (depth > 0 && !this.at("end"));
  }

  private simpleStatements(): Stmt[] {
    const out: Stmt[] = [];
    do {
      if (this.at("newline")) break;
      out.push(this.simpleStatement());
    } while (this.eat("op", ";"));
    if (!this.eat("newline") && !this.at("end")) this.fail("invalid syntax");
    return out;
  }

  private simpleStatement(): Stmt {
    const t = this.peek();
    const line = t.line;
    if (t.kind === "name") {
      switch (t.text) {
        case "pass":
        case "break":
        case "continue":
          this.next();
          return { kind: "other", what: t.text, line };
        case "return": {
          this.next();
          const value = this.at("newline") || this.atOp(";") ? null : this.testList();
          return { kind: "return", value, line };
        }
        case "import":
          return this.importStatement();
        case "from":
          return this.fromStatement();
        case "global":
        case "nonlocal":
        case "del":
        case "raise":
        case "assert":
        case "type":
          if (t.text !== "type" || (this.at("name", undefined, 1) && !this.at("op", "=", 1))) {
            this.next();
            this.skipToStatementEnd();
            return { kind: "other", what: t.text, line };
          }
          break;
        case "print":
        case "exec":
          // Python 2 statements still found in old setup.py files: skipped, not rejected.
          if (
            !this.atOp2("(", 1) &&
            !this.atOp2("=", 1) &&
            !this.atOp2(".", 1) &&
            !this.at("newline", undefined, 1)
          ) {
            this.next();
            this.skipToStatementEnd();
            return { kind: "other", what: `${t.text} statement`, line };
          }
          break;
      }
    }
    const first = this.starTestList();
    if (this.atOp("=")) {
      const targets = [first];
      let value = first;
      while (this.eat("op", "=")) {
        value = this.atKeyword("yield") ? this.yieldExpr() : this.starTestList();
        targets.push(value);
      }
      targets.pop();
      return { kind: "assign", targets, value, line };
    }
    if (this.at("op") && AUG_OPS.has(this.peek().text)) {
      const op = this.next().text;
      const value = this.atKeyword("yield") ? this.yieldExpr() : this.testList();
      return { kind: "augassign", target: first, op, value, line };
    }
    if (this.eat("op", ":")) {
      this.test();
      if (this.eat("op", "=")) return { kind: "assign", targets: [first], value: this.testList(), line };
      return { kind: "other", what: "annotation", line };
    }
    return { kind: "expr", value: first, line };
  }

  private atOp2(text: string, offset: number): boolean {
    return this.at("op", text, offset);
  }

  private skipToStatementEnd(): void {
    while (!this.at("newline") && !this.atOp(";") && !this.at("end")) {
      if (this.atOp("(") || this.atOp("[") || this.atOp("{")) this.skipBalanced();
      else this.next();
    }
  }

  private dottedName(): string {
    let name = this.expect("name").text;
    while (this.eat("op", ".")) name += `.${this.expect("name").text}`;
    return name;
  }

  private importStatement(): Stmt {
    const line = this.next().line;
    const names: { module: string; alias: string | null }[] = [];
    do {
      const module = this.dottedName();
      const alias = this.eat("name", "as") ? this.expect("name").text : null;
      names.push({ module, alias });
    } while (this.eat("op", ","));
    return { kind: "import", names, line };
  }

  private fromStatement(): Stmt {
    const line = this.next().line;
    let module = "";
    while (this.atOp(".") || this.atOp("...")) module += this.next().text;
    if (!this.atKeyword("import")) module += this.dottedName();
    this.expect("name", "import");
    const names: { name: string; alias: string | null }[] = [];
    if (this.eat("op", "*")) return { kind: "from", module, names: [{ name: "*", alias: null }], line };
    const parenthesised = this.eat("op", "(");
    do {
      if (parenthesised && this.atOp(")")) break;
      const name = this.expect("name").text;
      const alias = this.eat("name", "as") ? this.expect("name").text : null;
      names.push({ name, alias });
    } while (this.eat("op", ","));
    if (parenthesised) this.expect("op", ")");
    return { kind: "from", module, names, line };
  }

  // ── expressions ────────────────────────────────────────────────────────
  /** `a, b` → tuple; a single expression stays itself. Allows `*x` items. */
  private starTestList(): Expr {
    const line = this.peek().line;
    const first = this.starOrTest();
    if (!this.atOp(",")) return first;
    const items = [first];
    while (this.eat("op", ",")) {
      if (this.endsList()) break;
      items.push(this.starOrTest());
    }
    return { kind: "tuple", items, line };
  }

  private testList(): Expr {
    return this.starTestList();
  }

  private endsList(): boolean {
    const t = this.peek();
    if (t.kind === "newline" || t.kind === "end") return true;
    return (
      (t.kind === "op" && ["=", ")", "]", "}", ";", ":"].includes(t.text)) ||
      (t.kind === "op" && AUG_OPS.has(t.text))
    );
  }

  private starOrTest(): Expr {
    if (this.atOp("*")) {
      const line = this.next().line;
      return { kind: "starred", value: this.orExpr(), line };
    }
    return this.namedTest();
  }

  private yieldExpr(): Expr {
    const line = this.next().line;
    this.eat("name", "from");
    if (!this.endsList()) this.testList();
    return { kind: "other", what: "yield", line };
  }

  /** `name := value` or a plain test. */
  private namedTest(): Expr {
    const value = this.test();
    if (this.eat("op", ":=")) {
      this.test();
      return { kind: "other", what: "walrus", line: value.line };
    }
    return value;
  }

  private test(): Expr {
    if (this.atKeyword("lambda")) return this.lambda();
    if (this.atKeyword("yield")) return this.yieldExpr();
    const body = this.orTest();
    if (this.atKeyword("if")) {
      this.next();
      this.orTest();
      this.expect("name", "else");
      this.test();
      return { kind: "other", what: "conditional expression", line: body.line };
    }
    return body;
  }

  private lambda(): Expr {
    const line = this.next().line;
    while (!this.atOp(":")) {
      if (this.at("newline") || this.at("end")) this.fail("expected ':' in lambda");
      if (this.atOp("=")) {
        this.next();
        this.test();
      } else this.next();
    }
    this.next();
    this.test();
    return { kind: "other", what: "lambda", line };
  }

  private orTest(): Expr {
    let left = this.andTest();
    while (this.atKeyword("or")) {
      this.next();
      this.andTest();
      left = { kind: "other", what: "or", line: left.line };
    }
    return left;
  }

  private andTest(): Expr {
    let left = this.notTest();
    while (this.atKeyword("and")) {
      this.next();
      this.notTest();
      left = { kind: "other", what: "and", line: left.line };
    }
    return left;
  }

  private notTest(): Expr {
    if (this.atKeyword("not")) {
      const line = this.next().line;
      this.notTest();
      return { kind: "other", what: "not", line };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    let left = this.orExpr();
    const first = left;
    let ops = 0;
    while (true) {
      const t = this.peek();
      if (t.kind === "op" && COMPARE_OPS.has(t.text)) this.next();
      else if (t.kind === "name" && t.text === "in") this.next();
      else if (t.kind === "name" && t.text === "not" && this.at("name", "in", 1)) this.pos += 2;
      else if (t.kind === "name" && t.text === "is") {
        this.next();
        this.eat("name", "not");
      } else break;
      const right = this.orExpr();
      ops++;
      // `if __name__ == "__main__":` runs whenever setup.py runs as a script, so its body is unconditional.
      const main = ops === 1 && t.text === "==" && isMainGuard(first, right);
      left = { kind: "other", what: main ? "main guard" : "comparison", line: left.line };
    }
    return left;
  }

  private binary(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    while (this.at("op") && ops.includes(this.peek().text)) {
      const op = this.next().text;
      const right = operand();
      left = { kind: "binop", op, left, right, line: left.line };
    }
    return left;
  }

  private orExpr(): Expr {
    return this.binary(["|"], () => this.xorExpr());
  }
  private xorExpr(): Expr {
    return this.binary(["^"], () => this.andExpr());
  }
  private andExpr(): Expr {
    return this.binary(["&"], () => this.shiftExpr());
  }
  private shiftExpr(): Expr {
    return this.binary(["<<", ">>"], () => this.arith());
  }
  private arith(): Expr {
    return this.binary(["+", "-"], () => this.term());
  }
  private term(): Expr {
    return this.binary(["*", "/", "//", "%", "@"], () => this.factor());
  }

  private factor(): Expr {
    if (this.atOp("-") || this.atOp("+") || this.atOp("~")) {
      const op = this.next();
      const operand = this.factor();
      if (op.text === "-" && operand.kind === "num") return { ...operand, value: -operand.value };
      return { kind: "other", what: `unary ${op.text}`, line: op.line };
    }
    return this.power();
  }

  private power(): Expr {
    if (this.atKeyword("await")) {
      const line = this.next().line;
      this.factor();
      return { kind: "other", what: "await", line };
    }
    const base = this.trailers(this.atom());
    if (this.eat("op", "**")) {
      this.factor();
      return { kind: "other", what: "power", line: base.line };
    }
    return base;
  }

  private trailers(expr: Expr): Expr {
    while (true) {
      const line = this.peek().line;
      if (this.eat("op", "(")) expr = { kind: "call", func: expr, args: this.callArgs(), line };
      else if (this.eat("op", "[")) {
        const index = this.subscript();
        this.expect("op", "]");
        expr = { kind: "subscript", value: expr, index, line };
      } else if (this.eat("op", "."))
        expr = { kind: "attr", value: expr, attr: this.expect("name").text, line };
      else return expr;
    }
  }

  private subscript(): Expr {
    const line = this.peek().line;
    const items: Expr[] = [];
    let sliced = false;
    do {
      if (this.atOp("]")) break;
      let item: Expr | null = null;
      if (!this.atOp(":")) item = this.starOrTest();
      if (this.atOp(":")) {
        sliced = true;
        while (this.eat("op", ":")) if (!this.atOp(":") && !this.atOp("]") && !this.atOp(",")) this.test();
      }
      if (item) items.push(item);
    } while (this.eat("op", ","));
    if (sliced) return { kind: "other", what: "slice", line };
    return items.length === 1 ? (items[0] as Expr) : { kind: "tuple", items, line };
  }

  private callArgs(): Arg[] {
    const args: Arg[] = [];
    while (!this.atOp(")")) {
      if (this.eat("op", "**")) args.push({ name: "**", value: this.test() });
      else if (this.eat("op", "*")) args.push({ name: "*", value: this.test() });
      else if (this.at("name") && this.at("op", "=", 1)) {
        const name = this.next().text;
        this.next();
        args.push({ name, value: this.test() });
      } else {
        const value = this.namedTest();
        if (this.atKeyword("for") || this.atKeyword("async"))
          args.push({ name: null, value: this.comprehension(value, value.line) });
        else args.push({ name: null, value });
      }
      if (!this.eat("op", ",")) break;
    }
    this.expect("op", ")");
    return args;
  }

  private comprehension(element: Expr, line: number): Expr {
    this.eat("name", "async");
    this.expect("name", "for");
    const target = this.targetList();
    this.expect("name", "in");
    const iter = this.orTest();
    const conditions: Expr[] = [];
    while (true) {
      if (this.atKeyword("if")) {
        this.next();
        conditions.push(this.orTest());
      } else if (this.atKeyword("for") || this.atKeyword("async")) {
        // Nested loops: keep the shape parsed, lose the detail.
        this.comprehension(element, line);
        return { kind: "other", what: "nested comprehension", line };
      } else break;
    }
    return { kind: "comp", element, target, iter, conditions, line };
  }

  private targetList(): Expr {
    const line = this.peek().line;
    const items = [this.starredOrOr()];
    while (this.eat("op", ",")) {
      if (this.atKeyword("in")) break;
      items.push(this.starredOrOr());
    }
    return items.length === 1 ? (items[0] as Expr) : { kind: "tuple", items, line };
  }

  private starredOrOr(): Expr {
    if (this.eat("op", "*")) return { kind: "starred", value: this.orExpr(), line: this.peek().line };
    return this.orExpr();
  }

  private atom(): Expr {
    const t = this.peek();
    const line = t.line;
    if (t.kind === "string") {
      let value = "";
      let formatted = false;
      const parts: (string | Expr)[] = [];
      while (this.at("string")) {
        const s = this.next();
        if (s.prefix.includes("f")) {
          formatted = true;
          parts.push(...fStringParts(s.text, s.prefix.includes("r"), s.line, this.file));
        } else parts.push(s.text);
        value += s.text;
      }
      return formatted
        ? { kind: "str", value, line, formatted, parts }
        : { kind: "str", value, line, formatted };
    }
    if (t.kind === "number") {
      this.next();
      const clean = t.text.replace(/_/g, "").replace(/[lL]$/, "");
      return /[jJ]$/.test(clean)
        ? { kind: "other", what: "complex", line }
        : { kind: "num", value: Number(clean), line };
    }
    if (t.kind === "name") {
      if (
        [
          "if",
          "else",
          "elif",
          "for",
          "in",
          "is",
          "and",
          "or",
          "not",
          "import",
          "from",
          "as",
          "def",
          "class",
          "return",
          "with",
          "while",
          "try",
          "except",
          "finally",
          "pass",
          "lambda",
          "del",
          "global",
          "nonlocal",
          "raise",
          "assert",
          "break",
          "continue",
          "yield",
        ].includes(t.text)
      ) {
        this.fail("invalid syntax");
      }
      this.next();
      if (t.text === "True" || t.text === "False") return { kind: "const", value: t.text === "True", line };
      if (t.text === "None") return { kind: "const", value: null, line };
      return { kind: "name", id: t.text, line };
    }
    if (t.kind === "op") {
      if (t.text === "...") {
        this.next();
        return { kind: "other", what: "ellipsis", line };
      }
      if (t.text === "(") return this.parenthesised();
      if (t.text === "[") return this.listDisplay();
      if (t.text === "{") return this.dictOrSet();
      if (t.text === "`") this.fail("invalid syntax");
    }
    return this.fail("invalid syntax");
  }

  private parenthesised(): Expr {
    const line = this.next().line;
    if (this.eat("op", ")")) return { kind: "tuple", items: [], line };
    if (this.atKeyword("yield")) {
      const y = this.yieldExpr();
      this.expect("op", ")");
      return y;
    }
    const first = this.starOrTest();
    if (this.atKeyword("for") || this.atKeyword("async")) {
      const comp = this.comprehension(first, line);
      this.expect("op", ")");
      return comp;
    }
    if (this.eat("op", ")")) return first;
    const items = [first];
    while (this.eat("op", ",")) {
      if (this.atOp(")")) break;
      items.push(this.starOrTest());
    }
    this.expect("op", ")");
    return { kind: "tuple", items, line };
  }

  private listDisplay(): Expr {
    const line = this.next().line;
    const items: Expr[] = [];
    while (!this.atOp("]")) {
      const item = this.starOrTest();
      if (items.length === 0 && (this.atKeyword("for") || this.atKeyword("async"))) {
        const comp = this.comprehension(item, line);
        this.expect("op", "]");
        return comp;
      }
      items.push(item);
      if (!this.eat("op", ",")) break;
    }
    this.expect("op", "]");
    return { kind: "list", items, line };
  }

  private dictOrSet(): Expr {
    const line = this.next().line;
    if (this.eat("op", "}")) return { kind: "dict", entries: [], line };
    const entries: DictEntry[] = [];
    const items: Expr[] = [];
    let isDict = false;
    let first = true;
    while (!this.atOp("}")) {
      if (this.eat("op", "**")) {
        isDict = true;
        entries.push({ spread: this.orExpr() });
      } else {
        const key = this.starOrTest();
        if (this.eat("op", ":")) {
          isDict = true;
          const value = this.test();
          if (first && (this.atKeyword("for") || this.atKeyword("async"))) {
            this.comprehension(value, line);
            this.expect("op", "}");
            return { kind: "other", what: "dict comprehension", line };
          }
          entries.push({ key, value });
        } else {
          if (first && (this.atKeyword("for") || this.atKeyword("async"))) {
            this.comprehension(key, line);
            this.expect("op", "}");
            return { kind: "other", what: "set comprehension", line };
          }
          items.push(key);
        }
      }
      first = false;
      if (!this.eat("op", ",")) break;
    }
    this.expect("op", "}");
    return isDict ? { kind: "dict", entries, line } : { kind: "set", items, line };
  }
}

function isMainGuard(a: Expr, b: Expr): boolean {
  const isName = (e: Expr) => e.kind === "name" && e.id === "__name__";
  const isMain = (e: Expr) => e.kind === "str" && e.value === "__main__";
  return (isName(a) && isMain(b)) || (isMain(a) && isName(b));
}

/**
 * Splits an f-string body into literal text and field expressions. A field with a conversion (`!r`),
 * a format spec (`:>10`) or a debug `=` is kept as an opaque node: its text depends on runtime formatting.
 */
function fStringParts(body: string, raw: boolean, line: number, file: string): (string | Expr)[] {
  const parts: (string | Expr)[] = [];
  let literal = "";
  let i = 0;
  while (i < body.length) {
    const ch = body[i];
    if ((ch === "{" || ch === "}") && body[i + 1] === ch) {
      literal += ch;
      i += 2;
      continue;
    }
    if (ch !== "{") {
      literal += ch;
      i++;
      continue;
    }
    let depth = 1;
    let j = i + 1;
    let quote: string | null = null;
    for (; j < body.length && depth > 0; j++) {
      const c = body[j] as string;
      if (quote) {
        if (c === quote) quote = null;
      } else if (c === "'" || c === '"') quote = c;
      else if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) depth--;
    }
    const field = body.slice(i + 1, j - 1);
    parts.push(raw ? literal : decodeEscapes(literal));
    literal = "";
    parts.push(fieldExpression(field, line, file));
    i = j;
  }
  parts.push(raw ? literal : decodeEscapes(literal));
  return parts.filter((p) => p !== "");
}

function fieldExpression(field: string, line: number, file: string): Expr {
  if (hasFormatting(field)) return { kind: "other", what: "formatted field", line };
  try {
    const statements = parsePython(`(${field})\n`, file);
    const only = statements[0];
    return statements.length === 1 && only?.kind === "expr"
      ? only.value
      : { kind: "other", what: "f-string field", line };
  } catch {
    return { kind: "other", what: "f-string field", line };
  }
}

/** True when a replacement field has a conversion, a format spec or a debug `=` at bracket depth zero. */
function hasFormatting(field: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0 && c === "!" && field[i + 1] !== "=") return true;
    else if (depth === 0 && c === ":") return true;
  }
  const trimmed = field.trimEnd();
  return trimmed.endsWith("=") && !/[=!<>]=$/.test(trimmed);
}
