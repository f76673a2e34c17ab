/**
 * unittest assert methods (and their nose.tools twins) as plain `assert` statements. Each method is bound
 * like Python would bind its call (positional or keyword), and a call dhtl cannot bind exactly (an unknown
 * keyword, `*args`) is left as it is rather than guessed.
 */
import type { Arg } from "./source-scan.js";
import { scan } from "./source-scan.js";

/** One line of the expression in multi-line form, with the comments that followed its argument. */
export interface Segment {
  text: string;
  comments: string[];
}

export interface AssertForm {
  segments: Segment[];
  msg: Arg | null;
}

type Builder = (a: Record<string, Arg>) => Segment[] | null;

const compare =
  (op: string): Builder =>
  (a) => {
    const [left, right] = [a.first, a.second];
    if (!left || !right) return null;
    return [seg(wrap(left.text), left), seg(`${op} ${wrap(right.text)}`, right)];
  };

const suffix =
  (text: string): Builder =>
  (a) =>
    a.first ? [seg(wrap(a.first.text), a.first), { text, comments: [] }] : null;

const almost =
  (op: "==" | "!="): Builder =>
  (a) => {
    const { first, second, places, delta } = a;
    if (!first || !second || (places && delta)) return null;
    const diff = `abs(${wrap(first.text)} - ${wrap(second.text)})`;
    const text = delta
      ? `${diff} ${op === "==" ? "<=" : ">"} ${wrap(delta.text)}`
      : `round(${diff}, ${places ? places.text : "7"}) ${op} 0`;
    return [{ text, comments: [...first.comments, ...second.comments, ...(places?.comments ?? [])] }];
  };

const call =
  (fn: string, negate: boolean): Builder =>
  (a) => {
    const { first, second } = a;
    if (!first || !second) return null;
    const text = `${negate ? "not " : ""}${fn}(${first.text}, ${second.text})`;
    return [{ text, comments: [...first.comments, ...second.comments] }];
  };

interface MethodSpec {
  /** Parameter names in unittest's order; `first`/`second` are the operands. */
  params: string[];
  build: Builder;
}

const TWO = ["first", "second", "msg"];
const ONE = ["first", "msg"];

export const ASSERT_METHODS: Record<string, MethodSpec> = {
  assertEqual: { params: TWO, build: compare("==") },
  assertNotEqual: { params: TWO, build: compare("!=") },
  assertTrue: { params: ONE, build: (a) => (a.first ? [seg(a.first.text, a.first)] : null) },
  assertFalse: { params: ONE, build: (a) => (a.first ? [seg(`not ${wrap(a.first.text)}`, a.first)] : null) },
  assertIs: { params: TWO, build: compare("is") },
  assertIsNot: { params: TWO, build: compare("is not") },
  assertIsNone: { params: ONE, build: suffix("is None") },
  assertIsNotNone: { params: ONE, build: suffix("is not None") },
  assertIn: { params: TWO, build: compare("in") },
  assertNotIn: { params: TWO, build: compare("not in") },
  assertIsInstance: { params: TWO, build: call("isinstance", false) },
  assertNotIsInstance: { params: TWO, build: call("isinstance", true) },
  assertGreater: { params: TWO, build: compare(">") },
  assertGreaterEqual: { params: TWO, build: compare(">=") },
  assertLess: { params: TWO, build: compare("<") },
  assertLessEqual: { params: TWO, build: compare("<=") },
  assertAlmostEqual: { params: ["first", "second", "places", "msg", "delta"], build: almost("==") },
  assertNotAlmostEqual: { params: ["first", "second", "places", "msg", "delta"], build: almost("!=") },
  assertDictEqual: { params: TWO, build: compare("==") },
  assertListEqual: { params: TWO, build: compare("==") },
  assertTupleEqual: { params: TWO, build: compare("==") },
  assertSetEqual: { params: TWO, build: compare("==") },
  assertSequenceEqual: { params: TWO, build: compare("==") },
  assertMultiLineEqual: { params: TWO, build: compare("==") },
};

/** Deprecated spellings unittest still accepts. */
export const ALIASES: Record<string, string> = {
  assertEquals: "assertEqual",
  failUnlessEqual: "assertEqual",
  assertNotEquals: "assertNotEqual",
  failIfEqual: "assertNotEqual",
  assert_: "assertTrue",
  failUnless: "assertTrue",
  failIf: "assertFalse",
  assertAlmostEquals: "assertAlmostEqual",
  failUnlessAlmostEqual: "assertAlmostEqual",
  assertNotAlmostEquals: "assertNotAlmostEqual",
  failIfAlmostEqual: "assertNotAlmostEqual",
};

/** nose.tools names: the unittest methods in snake case, plus `eq_` and `ok_`. */
export function unittestNameForNose(name: string): string | null {
  if (name === "eq_") return "assertEqual";
  if (name === "ok_") return "assertTrue";
  if (!name.startsWith("assert_")) return null;
  const camel = name.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase());
  return camel in ASSERT_METHODS ? camel : null;
}

/** The plain-assert form of `method(args)`, or null when the call cannot be converted exactly. */
export function assertFormOf(method: string, args: Arg[], nose = false): AssertForm | null {
  const spec = ASSERT_METHODS[ALIASES[method] ?? method];
  if (!spec) return null;
  const bound: Record<string, Arg> = {};
  // nose's eq_/ok_ name their message `msg` too; their operands are positional like unittest's.
  const params = spec.params;
  let position = 0;
  for (const arg of args) {
    if (arg.text.startsWith("*")) return null;
    const name = arg.keyword ?? params[position++];
    if (!name || !params.includes(name) || bound[name]) return null;
    bound[name] = arg;
  }
  if (nose && bound.msg === undefined && args.length > params.length) return null;
  const segments = spec.build(bound);
  return segments ? { segments, msg: bound.msg ?? null } : null;
}

/** Renders `assert …` at `indent`: one line when it fits the source's shape, else a parenthesised block. */
export function renderAssert(form: AssertForm, indent: string): string {
  const multiline =
    form.segments.some((s) => s.text.includes("\n") || s.comments.length > 0) ||
    (form.msg !== null && (form.msg.text.includes("\n") || form.msg.comments.length > 0));
  const msgText = form.msg ? form.msg.text : null;
  if (!multiline) {
    const body = form.segments.map((s) => s.text).join(" ");
    return `assert ${body}${msgText !== null ? `, ${msgText}` : ""}`;
  }
  const inner = `${indent}    `;
  const lines = form.segments.map((s) => `${inner}${s.text}${s.comments.map((c) => `  ${c}`).join("")}`);
  let tail = "";
  if (form.msg) {
    const msg = form.msg;
    tail =
      msg.text.includes("\n") || msg.comments.length > 0
        ? `, (\n${inner}${msg.text}${msg.comments.map((c) => `  ${c}`).join("")}\n${indent})`
        : `, ${msg.text}`;
  }
  return `assert (\n${lines.join("\n")}\n${indent})${tail}`;
}

function seg(text: string, arg: Arg): Segment {
  return { text, comments: arg.comments };
}

const KEYWORDS_NEEDING_PARENS = new Set([
  "and",
  "or",
  "not",
  "in",
  "is",
  "if",
  "else",
  "lambda",
  "await",
  "for",
  "yield",
]);

/** Parenthesises an operand unless it is an atom (name, literal, call, attribute, subscript, display). */
export function wrap(text: string): string {
  const tokens = scan(text);
  const loose = tokens.some((t) => {
    if (t.depth !== 0) return false;
    const value = text.slice(t.start, t.end);
    if (t.kind === "op") return !["(", ")", "[", "]", "{", "}", "."].includes(value);
    if (t.kind === "name") return KEYWORDS_NEEDING_PARENS.has(value);
    return t.kind === "comment" || t.kind === "newline";
  });
  return loose ? `(${text})` : text;
}
