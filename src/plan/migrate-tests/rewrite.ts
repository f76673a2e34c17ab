/**
 * Rewrites one unittest (or nose) test file for pytest, editing only the spans it converts: every other byte,
 * comments included, stays as written. A class loses its `unittest.TestCase` base (and `setUp` becomes
 * `setup_method`) only when nothing in it still needs TestCase; otherwise it keeps the base, which pytest runs
 * just as well, and the reason is noted.
 */
import { ALIASES, ASSERT_METHODS, assertFormOf, renderAssert, unittestNameForNose } from "./assertions.js";
import { type Arg, indentAt, matchingClose, scan, splitArgs, type Token, textOf } from "./source-scan.js";

export interface Conversion {
  line: number;
  from: string;
  to: string;
}

export interface RewriteResult {
  text: string;
  conversions: Conversion[];
  notes: string[];
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const RAISES_CONTEXTS: Record<string, string> = {
  assertRaises: "pytest.raises",
  assertRaisesRegex: "pytest.raises",
  assertRaisesRegexp: "pytest.raises",
  assertWarns: "pytest.warns",
  assertWarnsRegex: "pytest.warns",
};

const SIMPLE_CALLS: Record<string, string> = { fail: "pytest.fail", skipTest: "pytest.skip" };

const FIXTURE_RENAMES: Record<string, string> = {
  setUp: "setup_method",
  tearDown: "teardown_method",
  setUpClass: "setup_class",
  tearDownClass: "teardown_class",
};

/** TestCase attributes that only exist with the base class: while one is used, the base stays. */
const TESTCASE_API =
  /^(assert\w*|fail\w*|skipTest|addCleanup|doCleanups|subTest|enterContext|id|shortDescription|run|debug|addTypeEqualityFunc|countTestCases|defaultTestResult|_\w+)$/;

export interface RewriteOptions {
  /** Class names something in the project instantiates (`TestX("test_a")` in a helper): they stay TestCase. */
  instantiated?: Set<string>;
  /**
   * The project runs its tests through unittest, not pytest (no pytest anywhere in its configuration):
   * every TestCase base stays, or its runner (`unittest discover`, `unittest.main()`, `manage.py test`) would
   * find no tests; the assert conversions still apply.
   */
  runByUnittest?: boolean;
}

export function rewriteTestSource(source: string, options: RewriteOptions = {}): RewriteResult {
  // Work on LF text and give CRLF files their line endings back, so inserted lines match the file's.
  const crlf = source.includes("\r\n");
  const result = rewriteLf(crlf ? source.replace(/\r\n/g, "\n") : source, options);
  return crlf ? { ...result, text: result.text.replace(/\n/g, "\r\n") } : result;
}

function rewriteLf(original: string, options: RewriteOptions): RewriteResult {
  // First pass: `cm.exception` → `cm.value` for every `with …assertRaises(…) as cm` that will be converted, so
  // the second pass can rewrite statements that mention it without overlapping edits. Lengths change but
  // lines do not, so the line numbers of both passes agree.
  // A project run by unittest may not have pytest installed: only the plain asserts are converted there.
  const withoutPytest = options.runByUnittest === true;
  const renamed = withoutPytest ? { text: original, conversions: [] } : renameExceptionAliases(original);
  const src = renamed.text;
  const tokens = scan(src);
  const edits: Edit[] = [];
  const conversions: Conversion[] = [...renamed.conversions];
  const notes: string[] = [];
  const noseNames = noseImports(src, tokens);
  const line = (offset: number) => lineOf(src, offset);
  const record = (start: number, end: number, text: string) => {
    if (withoutPytest && text.includes("pytest.")) return;
    edits.push({ start, end, text });
    conversions.push({ line: line(start), from: firstLine(src.slice(start, end)), to: firstLine(text) });
  };

  for (let i = 0; i < tokens.length; i++) {
    if (!isStatementStart(tokens, i)) continue;
    const t = tokens[i] as Token;
    const word = textOf(src, t);
    if (word === "self" && textOf(src, tokens[i + 1]) === "." && textOf(src, tokens[i + 3]) === "(") {
      const method = textOf(src, tokens[i + 2]);
      const close = matchingClose(src, tokens, i + 3);
      if (close < 0 || !endsStatement(tokens, close)) continue;
      const args = splitArgs(src, tokens, i + 3, close);
      const replacement = convertCall(method, args, indentAt(src, t.start), false);
      if (replacement) record(t.start, (tokens[close] as Token).end, replacement);
    } else if (noseNames.has(word) && textOf(src, tokens[i + 1]) === "(") {
      const close = matchingClose(src, tokens, i + 1);
      if (close < 0 || !endsStatement(tokens, close)) continue;
      const args = splitArgs(src, tokens, i + 1, close);
      const unittestName = word === "assert_raises" ? "assertRaises" : unittestNameForNose(word);
      const replacement = unittestName ? convertCall(unittestName, args, indentAt(src, t.start), true) : null;
      if (replacement) record(t.start, (tokens[close] as Token).end, replacement);
    } else if (word === "with") {
      const converted = convertWith(src, tokens, i, noseNames);
      if (converted) record(converted.start, converted.end, converted.text);
    }
  }

  convertClasses(src, tokens, edits, conversions, notes, line, options);
  const usesPytest = edits.some((e) => e.text.includes("pytest."));
  if (usesPytest && !/^(import pytest|from pytest import|import pytest as)/m.test(src)) {
    edits.push({ ...importPosition(src, tokens), text: "import pytest\n" });
  }
  const noseImportEdit = removeUnusedNoseImport(src, tokens, edits, noseNames);
  if (noseImportEdit) edits.push(noseImportEdit);
  conversions.sort((a, b) => a.line - b.line);
  return { text: applyEdits(src, edits), conversions, notes };
}

/** `self.assertX(...)` or its nose twin as a statement → its pytest form, or null when left as is. */
function convertCall(method: string, args: Arg[], indent: string, nose: boolean): string | null {
  if (method in ASSERT_METHODS || method in ALIASES) {
    const form = assertFormOf(method, args, nose);
    return form ? renderAssert(form, indent) : null;
  }
  if (method === "assertRaises" || method === "assertWarns") {
    // The call form `assertRaises(E, func, *args)` is pytest.raises's own call form.
    if (args.length < 2 || args.some((a) => a.keyword !== null || a.comments.length > 0)) return null;
    const fn = method === "assertRaises" ? "pytest.raises" : "pytest.warns";
    return `${fn}(${args.map((a) => a.text).join(", ")})`;
  }
  if (
    !nose &&
    method in SIMPLE_CALLS &&
    args.length <= 1 &&
    args.every((a) => a.keyword === null || a.keyword === "msg")
  ) {
    const fn = SIMPLE_CALLS[method] as string;
    return `${fn}(${args.map((a) => a.text).join("")})`;
  }
  return null;
}

/** The `self.assertRaises(…)` (or nose `assert_raises(…)`) of a `with` statement at token `i`, converted. */
function convertWith(
  src: string,
  tokens: Token[],
  i: number,
  noseNames: Set<string>,
): (Edit & { close: number }) | null {
  const viaSelf = textOf(src, tokens[i + 1]) === "self" && textOf(src, tokens[i + 2]) === ".";
  const nameIndex = viaSelf ? i + 3 : i + 1;
  const name = textOf(src, tokens[nameIndex]);
  const method = viaSelf ? name : name === "assert_raises" && noseNames.has(name) ? "assertRaises" : "";
  const target = RAISES_CONTEXTS[method];
  if (!target || textOf(src, tokens[nameIndex + 1]) !== "(") return null;
  const open = nameIndex + 1;
  const close = matchingClose(src, tokens, open);
  if (close < 0) return null;
  const args = splitArgs(src, tokens, open, close);
  const regex = method.includes("Regex");
  if (args.length !== (regex ? 2 : 1) || args.some((a) => a.keyword !== null)) return null;
  const [kind, pattern] = args;
  const inner = regex ? `${kind?.text}, match=${pattern?.text}` : (kind?.text ?? "");
  return {
    start: (tokens[i + 1] as Token).start,
    end: (tokens[close] as Token).end,
    text: `${target}(${inner})`,
    close,
  };
}

/** `with self.assertRaises(E) as cm:` … `cm.exception`: pytest's ExceptionInfo calls it `cm.value`. */
function renameExceptionAliases(src: string): { text: string; conversions: Conversion[] } {
  const tokens = scan(src);
  const noseNames = noseImports(src, tokens);
  const edits: Edit[] = [];
  const conversions: Conversion[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (textOf(src, tokens[i]) !== "with" || !isStatementStart(tokens, i)) continue;
    const converted = convertWith(src, tokens, i, noseNames);
    if (!converted?.text.startsWith("pytest.raises") || textOf(src, tokens[converted.close + 1]) !== "as")
      continue;
    const alias = textOf(src, tokens[converted.close + 2]);
    // The alias lives on after the block: rename up to the end of the enclosing function.
    const end = blockEnd(src, tokens, converted.close, enclosingDefIndent(src, tokens, i));
    for (let k = converted.close + 3; k < end; k++) {
      if (
        textOf(src, tokens[k]) !== alias ||
        textOf(src, tokens[k + 1]) !== "." ||
        textOf(src, tokens[k + 2]) !== "exception"
      )
        continue;
      if (textOf(src, tokens[k - 1]) === ".") continue;
      const attr = tokens[k + 2] as Token;
      edits.push({ start: attr.start, end: attr.end, text: "value" });
      conversions.push({ line: lineOf(src, attr.start), from: `${alias}.exception`, to: `${alias}.value` });
    }
  }
  return { text: applyEdits(src, edits), conversions };
}

/** Indentation of the `def` around token `i`, or -1 at module level (the block then runs to the end). */
function enclosingDefIndent(src: string, tokens: Token[], i: number): number {
  let limit = indentAt(src, (tokens[i] as Token).start).length;
  for (let k = i - 1; k >= 0; k--) {
    if (!isStatementStart(tokens, k)) continue;
    const indent = indentAt(src, (tokens[k] as Token).start).length;
    if (indent >= limit) continue;
    const word = textOf(src, tokens[k]);
    if (word === "def" || (word === "async" && textOf(src, tokens[k + 1]) === "def")) return indent;
    limit = indent;
  }
  return -1;
}

function lineOf(src: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (src.charCodeAt(i) === 10) line++;
  return line;
}

function convertClasses(
  src: string,
  tokens: Token[],
  edits: Edit[],
  conversions: Conversion[],
  notes: string[],
  line: (offset: number) => number,
  options: RewriteOptions,
): void {
  const classes = findTestCaseClasses(src, tokens, importsUnittestTestCase(src, tokens));
  // unittest's loader finds TestCase classes only: every base stays (plain asserts work under unittest too).
  const runByUnittest = options.runByUnittest === true;
  const instantiated = new Set([...(options.instantiated ?? []), ...instantiatedHere(src, tokens)]);
  const subclassed = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    if (textOf(src, tokens[i]) !== "class" || !isStatementStart(tokens, i)) continue;
    const open = i + 2;
    if (textOf(src, tokens[open]) !== "(") continue;
    const close = matchingClose(src, tokens, open);
    for (let k = open + 1; k < close; k++)
      if (tokens[k]?.kind === "name") subclassed.add(textOf(src, tokens[k]));
  }
  for (const cls of classes) {
    const reason = runByUnittest
      ? "the project runs its tests with unittest, which finds TestCase classes only"
      : instantiated.has(cls.name)
        ? `it is instantiated as ${cls.name}(…), which needs TestCase's constructor`
        : keepBaseReason(src, tokens, cls, edits, subclassed);
    if (reason) {
      notes.push(`line ${line(cls.start)}: class ${cls.name} keeps unittest.TestCase (${reason})`);
      continue;
    }
    edits.push({ start: cls.basesStart, end: cls.basesEnd, text: "" });
    conversions.push({
      line: line(cls.start),
      from: `class ${cls.name}(${cls.bases})`,
      to: `class ${cls.name}`,
    });
    for (let k = cls.bodyStart; k < cls.bodyEnd; k++) {
      const name = textOf(src, tokens[k + 1]);
      const rename = FIXTURE_RENAMES[name];
      if (textOf(src, tokens[k]) !== "def" || !rename || !isStatementStart(tokens, k)) continue;
      const t = tokens[k + 1] as Token;
      edits.push({ start: t.start, end: t.end, text: rename });
      conversions.push({ line: line(t.start), from: `def ${name}`, to: `def ${rename}` });
    }
  }
}

interface TestCaseClass {
  name: string;
  bases: string;
  start: number;
  /** Offsets of `(bases)` in the header, removed when the base goes. */
  basesStart: number;
  basesEnd: number;
  /** Token range of the class body. */
  bodyStart: number;
  bodyEnd: number;
}

/**
 * `TestCase` written bare is unittest's only when the file imports it from unittest (`from unittest import
 * TestCase`); Django's, DRF's or a project's own TestCase set up databases and clients a plain class lacks.
 */
function importsUnittestTestCase(src: string, tokens: Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (textOf(src, tokens[i]) !== "from" || !isStatementStart(tokens, i)) continue;
    if (textOf(src, tokens[i + 1]) !== "unittest" || textOf(src, tokens[i + 2]) !== "import") continue;
    for (let k = i + 3; k < tokens.length && tokens[k]?.kind !== "newline"; k++) {
      if (textOf(src, tokens[k]) === "TestCase" && textOf(src, tokens[k + 1]) !== "as") return true;
    }
  }
  return false;
}

/** Names called like a class anywhere in the file (`TestX(…)`), other than in a `class` header. */
export function instantiatedHere(src: string, tokens: Token[] = scan(src)): Set<string> {
  const names = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== "name" || textOf(src, tokens[i + 1]) !== "(") continue;
    const previous = textOf(src, tokens[i - 1]);
    if (previous === "class" || previous === "def" || previous === ".") continue;
    const name = textOf(src, t);
    if (/^[A-Z]/.test(name)) names.add(name);
  }
  return names;
}

function findTestCaseClasses(src: string, tokens: Token[], bareIsUnittest: boolean): TestCaseClass[] {
  const found: TestCaseClass[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (textOf(src, tokens[i]) !== "class" || !isStatementStart(tokens, i)) continue;
    const open = i + 2;
    if (textOf(src, tokens[open]) !== "(") continue;
    const close = matchingClose(src, tokens, open);
    if (close < 0) continue;
    const bases = src.slice((tokens[open] as Token).end, (tokens[close] as Token).start).trim();
    if (bases !== "unittest.TestCase" && !(bases === "TestCase" && bareIsUnittest)) continue;
    const indent = indentAt(src, (tokens[i] as Token).start).length;
    found.push({
      name: textOf(src, tokens[i + 1]),
      bases,
      start: (tokens[i] as Token).start,
      basesStart: (tokens[open] as Token).start,
      basesEnd: (tokens[close] as Token).end,
      bodyStart: close + 1,
      bodyEnd: blockEnd(src, tokens, close, indent),
    });
  }
  return found;
}

/** Why a class must keep its TestCase base, or null when plain pytest collects and runs it the same. */
function keepBaseReason(
  src: string,
  tokens: Token[],
  cls: TestCaseClass,
  edits: Edit[],
  subclassed: Set<string>,
): string | null {
  if (!/^Test/.test(cls.name)) return "pytest collects plain classes only when their name starts with Test";
  if (subclassed.has(cls.name)) return "other classes inherit from it";
  const converted = (offset: number) => edits.some((e) => offset >= e.start && offset < e.end);
  for (let k = cls.bodyStart; k < cls.bodyEnd; k++) {
    const t = tokens[k] as Token;
    const word = textOf(src, t);
    // `def test_x(self, mocked)`: a decorator passes the argument; pytest would look for a fixture instead.
    if (word === "def" && /^test/.test(textOf(src, tokens[k + 1])) && textOf(src, tokens[k + 2]) === "(") {
      const close = matchingClose(src, tokens, k + 2);
      if (close > 0 && splitArgs(src, tokens, k + 2, close).length > 1)
        return "its tests receive arguments from decorators";
    }
    if (word === "super" && !converted(t.start)) return "it calls super()";
    if (word === "__init__" && textOf(src, tokens[k - 1]) === "def") return "it defines __init__";
    // Only unittest's runner honours expectedFailure; on a plain class the test would simply fail.
    if (word === "expectedFailure") return "it uses expectedFailure";
    if (word !== "self" || textOf(src, tokens[k + 1]) !== "." || converted(t.start)) continue;
    const attr = textOf(src, tokens[k + 2]);
    // A call to `self.setUp()` would break once the method is renamed, so it counts like any TestCase API.
    if (TESTCASE_API.test(attr) || attr in FIXTURE_RENAMES) return `it still uses self.${attr}`;
  }
  return null;
}

/** Names imported from nose.tools that dhtl converts. */
function noseImports(src: string, tokens: Token[]): Set<string> {
  const names = new Set<string>();
  for (const { names: imported } of noseImportStatements(src, tokens)) {
    for (const name of imported) {
      if (name === "assert_raises" || unittestNameForNose(name)) names.add(name);
    }
  }
  return names;
}

function noseImportStatements(
  src: string,
  tokens: Token[],
): { start: number; end: number; names: string[] }[] {
  const statements: { start: number; end: number; names: string[] }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    if (textOf(src, tokens[i]) !== "from" || !isStatementStart(tokens, i)) continue;
    if (
      src.slice(
        (tokens[i + 1] as Token | undefined)?.start ?? 0,
        (tokens[i + 3] as Token | undefined)?.end ?? 0,
      ) !== "nose.tools"
    )
      continue;
    let k = i + 4;
    if (textOf(src, tokens[k]) !== "import") continue;
    const names: string[] = [];
    while (k < tokens.length && tokens[k]?.kind !== "newline") {
      const t = tokens[k] as Token;
      if (t.kind === "name" && textOf(src, t) !== "import" && textOf(src, tokens[k - 1]) !== "as")
        names.push(textOf(src, t));
      k++;
    }
    const end = tokens[k]?.end ?? src.length;
    statements.push({ start: (tokens[i] as Token).start, end, names });
  }
  return statements;
}

/** Drops `from nose.tools import …` when every name it imports was converted away. */
function removeUnusedNoseImport(
  src: string,
  tokens: Token[],
  edits: Edit[],
  converted: Set<string>,
): Edit | null {
  const statement = noseImportStatements(src, tokens)[0];
  if (!statement || statement.names.some((n) => !converted.has(n))) return null;
  const inEdit = (offset: number) => edits.some((e) => offset >= e.start && offset < e.end);
  const stillUsed = tokens.some(
    (t) => t.kind === "name" && t.start >= statement.end && converted.has(textOf(src, t)) && !inEdit(t.start),
  );
  return stillUsed ? null : { start: statement.start, end: statement.end, text: "" };
}

/**
 * Where `import pytest` goes: before the first import that is not `from __future__`; else right after the
 * module docstring and the `from __future__` imports (which must stay first), never above them.
 */
function importPosition(src: string, tokens: Token[]): { start: number; end: number } {
  let afterPreamble = 0;
  for (let i = 0; i < tokens.length; i++) {
    if (!isStatementStart(tokens, i) || indentAt(src, (tokens[i] as Token).start) !== "") continue;
    const t = tokens[i] as Token;
    const word = textOf(src, t);
    if (word === "import" || (word === "from" && textOf(src, tokens[i + 1]) !== "__future__")) {
      return { start: t.start, end: t.start };
    }
    const docstring = t.kind === "string" && afterPreamble === 0 && tokens[i + 1]?.kind === "newline";
    if (docstring || (word === "from" && textOf(src, tokens[i + 1]) === "__future__")) {
      let k = i;
      while (k < tokens.length && tokens[k]?.kind !== "newline") k++;
      afterPreamble = tokens[k]?.end ?? src.length;
      continue;
    }
    if (t.kind !== "comment") break;
  }
  return { start: afterPreamble, end: afterPreamble };
}

/** Token index where the block opened by the header ending near `from` ends (first statement at ≤ `indent`). */
function blockEnd(src: string, tokens: Token[], from: number, indent: number): number {
  for (let k = from + 1; k < tokens.length; k++) {
    const t = tokens[k] as Token;
    if (t.kind === "comment" || !isStatementStart(tokens, k)) continue;
    if (indentAt(src, t.start).length <= indent) return k;
  }
  return tokens.length;
}

function isStatementStart(tokens: Token[], i: number): boolean {
  const t = tokens[i];
  if (!t?.lineStart || t.depth !== 0 || t.kind === "newline") return false;
  const previous = tokens[i - 1];
  return previous === undefined || previous.kind === "newline";
}

/** True when the statement ends right after `close` (a comment may follow on the same line). */
function endsStatement(tokens: Token[], close: number): boolean {
  const next = tokens[close + 1];
  if (!next || next.kind === "newline") return true;
  return (
    next.kind === "comment" && (tokens[close + 2] === undefined || tokens[close + 2]?.kind === "newline")
  );
}

function applyEdits(src: string, edits: Edit[]): string {
  const ordered = [...edits].sort((a, b) => b.start - a.start || b.end - a.end);
  let out = src;
  let limit = Number.POSITIVE_INFINITY;
  for (const edit of ordered) {
    // Overlapping edits would corrupt the file: the outer (earlier-recorded) conversion wins.
    if (edit.end > limit) continue;
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

function firstLine(text: string): string {
  const first = text.split("\n")[0] ?? "";
  return text.includes("\n") ? `${first} …` : first;
}
