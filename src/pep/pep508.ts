/**
 * PEP 508 dependency specifiers, following the PEP's grammar: `name[extras] specifier ; marker` or
 * `name[extras] @ url ; marker`. Parsing is strict (it is what uv and pip accept) and errors carry a column.
 */
import { formatMarker, Pep508Error, parseMarkerAt } from "./markers.js";
import { isValidSpecifier } from "./pep440.js";

export { Pep508Error } from "./markers.js";

export interface Requirement {
  /** Distribution name as written. */
  name: string;
  /** Extras as written, sorted, without duplicates. */
  extras: string[];
  /** Normalised specifier set: clauses without spaces, joined by `,` in written order; "" when none. */
  specifier: string;
  url: string | null;
  /** Normalised marker text, or null. */
  marker: string | null;
}

const VERSION_OPERATORS = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"];

/** Parses one PEP 508 requirement. Throws Pep508Error (with the 1-based column) on invalid input. */
export function parseRequirement(text: string): Requirement {
  return new RequirementParser(text).parse();
}

/** Like parseRequirement, but returns null instead of throwing. */
export function tryParseRequirement(text: string): Requirement | null {
  try {
    return parseRequirement(text);
  } catch (error) {
    if (error instanceof Pep508Error) return null;
    throw error;
  }
}

/** Canonical text: `name[a,b]>=1,<2; python_version >= "3.8"` or `name @ url ; marker`. */
export function formatRequirement(r: Requirement): string {
  let out = r.name;
  if (r.extras.length) out += `[${[...r.extras].sort().join(",")}]`;
  if (r.url !== null) {
    out += ` @ ${r.url}`;
    // A URL may itself contain `;`, so PEP 508 needs a space before the marker's `;`.
    if (r.marker) out += ` ; ${r.marker}`;
    return out;
  }
  out += r.specifier;
  if (r.marker) out += `; ${r.marker}`;
  return out;
}

/** Parses and re-formats, so equivalent spellings compare equal (`Foo >= 1.0` → `Foo>=1.0`). */
export function normalizeRequirement(text: string): string {
  return formatRequirement(parseRequirement(text));
}

class RequirementParser {
  private pos = 0;
  constructor(private readonly text: string) {}

  parse(): Requirement {
    this.skipSpace();
    const name = this.identifier("a distribution name");
    this.skipSpace();
    const extras = this.peek() === "[" ? this.extras() : [];
    this.skipSpace();
    let specifier = "";
    let url: string | null = null;
    if (this.peek() === "@") {
      this.pos++;
      url = this.url();
      if (!this.atEnd()) {
        // The grammar needs whitespace between the URL and its marker.
        if (!this.isSpace(this.peek())) this.fail("expected whitespace after the URL");
        this.skipSpace();
      }
    } else {
      specifier = this.versionSpec();
      this.skipSpace();
    }
    let marker: string | null = null;
    if (this.peek() === ";") {
      this.pos++;
      this.skipSpace();
      if (this.atEnd()) this.fail("expected a marker after ';'");
      const parsed = parseMarkerAt(this.text, this.pos);
      this.pos = parsed.end;
      marker = formatMarker(parsed.node);
      this.skipSpace();
    }
    if (!this.atEnd()) {
      const hint =
        url === null && marker === null && specifier === ""
          ? " (expected a version specifier, '@' or ';')"
          : "";
      this.fail(`unexpected text ${JSON.stringify(this.text.slice(this.pos))}${hint}`);
    }
    return { name, extras: [...new Set(extras)].sort(), specifier, url, marker };
  }

  private atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  private peek(): string {
    return this.text[this.pos] ?? "";
  }

  private isSpace(char: string): boolean {
    return char === " " || char === "\t";
  }

  private skipSpace(): void {
    while (this.isSpace(this.peek())) this.pos++;
  }

  private fail(message: string, at = this.pos): never {
    throw new Pep508Error(message, at + 1);
  }

  /** PEP 508 `identifier`: letters/digits, with `-`, `_` or `.` only between them. */
  private identifier(what: string): string {
    const start = this.pos;
    const match = /^[A-Za-z0-9][A-Za-z0-9._-]*/.exec(this.text.slice(this.pos));
    if (!match) this.fail(`expected ${what}`);
    const word = match[0];
    if (!/[A-Za-z0-9]$/.test(word))
      this.fail(`${what} must end with a letter or digit`, start + word.length - 1);
    this.pos += word.length;
    return word;
  }

  private extras(): string[] {
    this.pos++; // [
    const extras: string[] = [];
    this.skipSpace();
    if (this.peek() === "]") {
      this.pos++;
      return extras;
    }
    for (;;) {
      this.skipSpace();
      extras.push(this.identifier("an extra name"));
      this.skipSpace();
      if (this.peek() === ",") {
        this.pos++;
        continue;
      }
      if (this.peek() === "]") {
        this.pos++;
        return extras;
      }
      this.fail("expected ',' or ']' in the extras list");
    }
  }

  /** `urlspec`: everything up to whitespace (as `packaging` does), which must look like a URL. */
  private url(): string {
    this.skipSpace();
    const start = this.pos;
    while (!this.atEnd() && !this.isSpace(this.peek())) this.pos++;
    const url = this.text.slice(start, this.pos);
    if (url === "") this.fail("expected a URL after '@'");
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url))
      this.fail("expected a URL with a scheme (https:, git+https:, file:)", start);
    return url;
  }

  /** `versionspec`: one or more `op version` clauses separated by commas, optionally in parentheses. */
  private versionSpec(): string {
    const parenthesised = this.peek() === "(";
    if (parenthesised) {
      this.pos++;
      this.skipSpace();
    }
    const clauses: string[] = [];
    if (this.startsWithOperator() || parenthesised) {
      for (;;) {
        this.skipSpace();
        clauses.push(this.versionClause());
        this.skipSpace();
        if (this.peek() !== ",") break;
        this.pos++;
      }
    }
    if (parenthesised) {
      if (this.peek() !== ")") this.fail("expected ')' to close the version specifier");
      this.pos++;
    }
    return clauses.join(",");
  }

  private startsWithOperator(): boolean {
    return VERSION_OPERATORS.some((op) => this.text.startsWith(op, this.pos)) || this.peek() === "=";
  }

  private versionClause(): string {
    const start = this.pos;
    const op = VERSION_OPERATORS.find((candidate) => this.text.startsWith(candidate, this.pos));
    if (!op) {
      if (this.peek() === "=") this.fail("'=' is not a version operator; did you mean '=='?");
      this.fail("expected a version operator (==, !=, <=, >=, <, >, ~=, ===)");
    }
    this.pos += op.length;
    this.skipSpace();
    const versionStart = this.pos;
    const match = /^[A-Za-z0-9_.*+!-]+/.exec(this.text.slice(this.pos));
    if (!match) this.fail(`expected a version after '${op}'`);
    this.pos += match[0].length;
    const clause = `${op}${match[0]}`;
    // `===` compares text, so any version-ish string is fine there; other operators need PEP 440.
    if (op !== "===" && !isValidSpecifier(clause)) {
      this.fail(`invalid PEP 440 specifier '${clause}'`, versionStart);
    }
    if (start === this.pos) this.fail("empty version clause");
    return clause;
  }
}
