/**
 * Python versions named by the test runners' environments: tox's `envlist` (with its `{a,b}` brace
 * expansion: `py3{8,9}-django{42,50}`) and nox's `@nox.session(python=[…])` (a literal or a module-level
 * list it names). Read as text: nothing of the project is imported or run.
 */
import { lineOf } from "../../core/fs.js";
import { iniGet, parseIni } from "../../formats/ini.js";
import type { PythonVersionSource } from "../manifests/types.js";
import { hintSource, toxFactorVersion } from "./versions.js";

export function toxHints(file: string, text: string, section = "tox"): PythonVersionSource[] {
  const doc = parseIni(text, file);
  const option = iniGet(doc, section, "envlist") ?? iniGet(doc, section, "env_list");
  if (!option) return [];
  const found: PythonVersionSource[] = [];
  const seen = new Set<string>();
  for (const { text: line, line: number } of option.lines.length > 0
    ? option.lines
    : [{ text: option.value, line: option.line }]) {
    for (const env of expandEnvList(line)) {
      for (const factor of env.split("-")) {
        const version = toxFactorVersion(factor);
        if (!version || seen.has(version)) continue;
        seen.add(version);
        found.push(
          hintSource(
            "tox envlist",
            file,
            number,
            factor,
            "tested",
            `tox runs the tests in environment ${env}`,
            { version },
          ),
        );
      }
    }
  }
  return found;
}

/** `py3{8,9}-a, b` → `py38-a`, `py39-a`, `b` (tox's brace expansion, nested braces included). */
export function expandEnvList(text: string): string[] {
  const envs: string[] = [];
  for (const item of splitTopLevel(text.replace(/#.*$/, ""))) {
    const trimmed = item.trim();
    if (trimmed) envs.push(...expandBraces(trimmed));
  }
  return envs;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "{") depth++;
    if (ch === "}") depth = Math.max(0, depth - 1);
    if ((ch === "," || ch === "\n" || ch === " ") && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function expandBraces(text: string): string[] {
  const open = text.indexOf("{");
  if (open < 0) return [text];
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "{") depth++;
    else if (text[i] === "}" && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) return [text];
  const head = text.slice(0, open);
  const tail = text.slice(close + 1);
  const alternatives = splitAlternatives(text.slice(open + 1, close));
  // Bound the product: a pathological envlist must not explode.
  return alternatives.flatMap((alt) => expandBraces(`${head}${alt.trim()}${tail}`)).slice(0, 1000);
}

function splitAlternatives(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "{") depth++;
    if (ch === "}") depth--;
    if (ch === "," && depth === 0) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `@nox.session(python=["3.8", "3.9"])`, `python="3.11"`, `python=PYTHON_VERSIONS` (a module-level list). */
export function noxHints(file: string, text: string): PythonVersionSource[] {
  const found: PythonVersionSource[] = [];
  const seen = new Set<string>();
  const decorator = /@(?:nox\.)?session\s*\(([^)]*)\)/g;
  for (const match of text.matchAll(decorator)) {
    const args = match[1] ?? "";
    const python = /\bpython(?:s)?\s*=\s*(\[[^\]]*\]|\([^)]*\)|"[^"]*"|'[^']*'|[A-Za-z_][A-Za-z0-9_]*)/.exec(
      args,
    );
    if (!python) continue;
    let literal = python[1]!;
    let offset = (match.index ?? 0) + match[0].indexOf(literal);
    if (/^[A-Za-z_]/.test(literal)) {
      const assignment = new RegExp(`^${literal}\\s*=\\s*(\\[[^\\]]*\\]|\\([^)]*\\))`, "m").exec(text);
      if (!assignment) continue;
      literal = assignment[1]!;
      offset = (assignment.index ?? 0) + assignment[0].indexOf(literal);
    }
    for (const version of literal.matchAll(/["']([^"']+)["']/g)) {
      const value = version[1]!;
      if (seen.has(value)) continue;
      seen.add(value);
      found.push(
        hintSource(
          "noxfile session",
          file,
          lineOf(text, offset + (version.index ?? 0)),
          value,
          "tested",
          "nox runs a session on it",
        ),
      );
    }
  }
  return found;
}
