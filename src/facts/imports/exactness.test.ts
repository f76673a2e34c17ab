import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { decodePythonSource, scanImports } from "./scanner.js";

/** CPython's own parser is the reference; the scanner must agree with it on every stdlib file. */
const interpreters = [
  { version: "3.12", home: join(homedir(), ".pyenv/versions/3.12.1") },
  { version: "3.13", home: join(homedir(), ".pyenv/versions/3.13.0") },
];
const helper = join(import.meta.dirname, "../../../test/fixtures/imports/ast_imports.py");

type AstImport = [
  module: string,
  level: number,
  names: string[],
  line: number,
  optional: boolean,
  typeOnly: boolean,
];
type AstResult = { file: string; imports?: AstImport[]; error?: string };

function compareKey(entry: AstImport): string {
  return JSON.stringify(entry);
}

describe.each(interpreters)("scanImports against CPython $version ast", ({ version, home }) => {
  const python = join(home, "bin", `python${version}`);
  const stdlib = join(home, "lib", `python${version}`);
  it.skipIf(!existsSync(python))(`agrees on every file of the ${version} standard library`, () => {
    const output = execFileSync(python, [helper, stdlib, "--skip-dir", "site-packages"], {
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const results = output
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as AstResult);
    const rejected = results.filter((result) => result.error !== undefined);
    const compared = results.filter((result) => result.imports !== undefined);
    const mismatches: string[] = [];
    let statements = 0;
    let optional = 0;
    let typeOnly = 0;
    for (const { file, imports } of compared) {
      const expected = imports ?? [];
      const actual = scanImports(decodePythonSource(readFileSync(join(stdlib, file))))
        .map((s): AstImport => [s.module, s.level, s.names, s.line, s.optional, s.typeOnly])
        .sort((a, b) => a[3] - b[3] || a[0].localeCompare(b[0]) || a[1] - b[1]);
      statements += expected.length;
      optional += expected.filter((entry) => entry[4]).length;
      typeOnly += expected.filter((entry) => entry[5]).length;
      const want = expected.map(compareKey).sort().join("\n");
      const got = actual.map(compareKey).sort().join("\n");
      if (want !== got)
        mismatches.push(`${file}\n  ast:     ${want.slice(0, 800)}\n  scanner: ${got.slice(0, 800)}`);
    }
    // Files CPython itself rejects (py2 lib2to3 data, deliberately bad syntax/encodings) are not compared.
    console.log(
      `compared ${compared.length} files (${statements} import statements, ${optional} optional, ` +
        `${typeOnly} type-only); skipped ${rejected.length} that ast rejects`,
    );
    expect(compared.length).toBeGreaterThan(1500);
    expect(optional).toBeGreaterThan(100);
    expect(rejected.length).toBeLessThan(20);
    expect(mismatches.slice(0, 5)).toEqual([]);
  });
});
