/**
 * A minimal reader for the requirement files that setup.py, setup.cfg (`file:`) and
 * `[tool.setuptools.dynamic]` point at. setuptools itself accepts only requirement lines there (no pip
 * options), so this keeps non-empty, non-comment lines, joins `\` continuations and reports `-r`/`-e`/`--…`
 * lines as needing review instead of following them.
 */
import { posix } from "node:path";
import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { DhtlError } from "../../../core/errors.js";
import { redactUrlsIn } from "../../../core/redact.js";
import type { Dependency, ReadContext } from "../types.js";
import { requirementProblem } from "./values.js";

export interface RequirementFileResult {
  dependencies: Dependency[];
  diagnostics: Diagnostic[];
  /** Root-relative path of the file that was read. */
  path: string;
}

/** Resolves `relPath` as written in `fromFile` (relative to that file's directory) to a root-relative path. */
export function resolveBeside(fromFile: string, relPath: string): string {
  const joined = posix.normalize(posix.join(posix.dirname(fromFile), relPath.replace(/\\/g, "/")));
  return joined.replace(/^\.\//, "");
}

export function readRequirementFile(
  relPath: string,
  from: { file: string; line: number | null },
  ctx: ReadContext,
): RequirementFileResult {
  const path = resolveBeside(from.file, relPath);
  if (path.startsWith("../") || path === ".." || posix.isAbsolute(path)) {
    throw new DhtlError("badInput", `'${relPath}' points outside the project`, {
      file: from.file,
      line: from.line ?? undefined,
    });
  }
  const source = ctx.readFile(path, from);
  return { ...parseRequirementLines(source.text, path), path };
}

export function parseRequirementLines(text: string, file: string): Omit<RequirementFileResult, "path"> {
  const dependencies: Dependency[] = [];
  const diagnostics: Diagnostic[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    let line = lines[i] ?? "";
    while (line.endsWith("\\") && i + 1 < lines.length) {
      i++;
      line = line.slice(0, -1) + (lines[i] ?? "");
    }
    const content = line.replace(/(^|\s)#.*$/, "").trim();
    if (content === "") continue;
    if (content.startsWith("-")) {
      diagnostics.push(
        diagnostic("review", file, `option line '${content}' is not followed here; review it`, lineNo),
      );
      continue;
    }
    const problem = requirementProblem(content);
    if (problem) {
      diagnostics.push(
        diagnostic("error", file, `not a valid requirement: '${content}' (${problem})`, lineNo),
      );
      continue;
    }
    dependencies.push({ requirement: redactUrlsIn(content), file, line: lineNo });
  }
  return { dependencies, diagnostics };
}
