/**
 * tox's test environment: what `tox` installs besides the project for its tests. `[testenv] deps` become
 * the group `tox` (lines for one factor, `lowest: Werkzeug==0.14`, belong to other environments and are
 * left out; `!lowest: x` applies to the default one), `extras =` extras the dev workflow installs. Read from
 * `tox.ini`, from setup.cfg beside `[tox:tox]`, and from pyproject's `[tool.tox]` (its `legacy_tox_ini`
 * string or the native `env_run_base` table). tox's own file is a secondary source: what cannot be read in
 * it is a warning, never fatal.
 * Spec: https://tox.wiki/en/latest/config.html
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { isDhtlError } from "../../../core/errors.js";
import { type IniDocument, type IniOption, parseIni } from "../../../formats/ini.js";
import type { LogicalLine } from "../../../formats/requirements.js";
import { parseToml } from "../../../formats/toml.js";
import { isTable, tableAt } from "../../../formats/toml-table.js";
import { readToolRequirementLines } from "../requirements/tool-lines.js";
import {
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type ReadContext,
  type SourceFile,
} from "../types.js";

/** The group tox's test dependencies go to. */
export const TOX_GROUP = "tox";

/** Environments that run the tests when `[testenv]` itself lists no deps (tox 4 `py`, common names). */
const TEST_ENVIRONMENTS = ["testenv:py", "testenv:test", "testenv:tests", "testenv:pytest", "testenv:unit"];

export const toxReader: ManifestReader = {
  name: "tox",
  spec: "https://tox.wiki/en/latest/config.html",
  claims: (relPath) => relPath === "tox.ini" || relPath === "setup.cfg" || relPath === "pyproject.toml",
  read(file, ctx) {
    const manifest = emptyManifest("tox", file.path);
    try {
      if (file.path === "pyproject.toml") readPyprojectTox(file, ctx, manifest);
      else readIniTox(file, ctx, manifest, file.path === "setup.cfg");
    } catch (error) {
      if (!isDhtlError(error)) throw error;
      // tox reports its own syntax errors; here they only mean its test dependencies are not known.
      const where = error.line ?? null;
      return [
        withWarning(manifest, error.file ?? file.path, `tox configuration not read: ${error.message}`, where),
      ];
    }
    return isEmpty(manifest) ? [] : [manifest];
  },
};

function readIniTox(file: SourceFile, ctx: ReadContext, manifest: ManifestFacts, setupCfg: boolean): void {
  // tox strips `#` comments that follow whitespace; setup.cfg is tox's only when it has `[tox:tox]`.
  const doc = parseIni(file.text, file.path, { inlineCommentPrefixes: ["#"] });
  if (setupCfg && !doc.sections.has("tox:tox")) return;
  readTestenv(doc, file, ctx, manifest);
}

function readPyprojectTox(file: SourceFile, ctx: ReadContext, manifest: ManifestFacts): void {
  const tox = tableAt(parseToml(file.text, file.path), ["tool", "tox"]);
  if (!tox) return;
  if (typeof tox.legacy_tox_ini === "string") {
    // The embedded INI keeps its own line numbers: shift them to where the string starts in pyproject.toml.
    const offset = lineOfKey(file.text, "legacy_tox_ini");
    const inner = parseIni(tox.legacy_tox_ini, file.path, { inlineCommentPrefixes: ["#"] });
    readTestenv(shiftLines(inner, offset), file, ctx, manifest);
    return;
  }
  const base = isTable(tox.env_run_base) ? tox.env_run_base : null;
  if (!base) return;
  const line = lineOfKey(file.text, "env_run_base");
  const deps = stringsOf(base.deps).map((text) => ({ text, line: line ?? 1 }));
  readToolRequirementLines(deps, file, ctx, manifest, TOX_GROUP);
  if (base.skip_install !== true && base.package !== "skip") {
    const extras = stringsOf(base.extras);
    addExtras(
      manifest,
      extras,
      file.path,
      line,
      `[tool.tox.env_run_base] extras = ${JSON.stringify(extras)}`,
    );
  }
}

/** `[testenv]` (else the first test environment with deps): its deps and extras. */
function readTestenv(doc: IniDocument, file: SourceFile, ctx: ReadContext, manifest: ManifestFacts): void {
  const base = doc.sections.get("testenv");
  const section =
    base?.options.has("deps") || base?.options.has("extras")
      ? base
      : (TEST_ENVIRONMENTS.map((name) => doc.sections.get(name)).find((s) => s?.options.has("deps")) ?? base);
  if (!section) return;
  const deps = section.options.get("deps");
  if (deps)
    readToolRequirementLines(testenvLines(deps, doc, file.path, manifest), file, ctx, manifest, TOX_GROUP);
  const extras = section.options.get("extras");
  const skipInstall = /^true$/i.test(section.options.get("skip_install")?.value.trim() ?? "");
  const skipPackage = /^skip$/i.test(section.options.get("package")?.value.trim() ?? "");
  if (!extras || skipInstall || skipPackage) return;
  const names = testenvLines(extras, doc, file.path, manifest)
    .flatMap((line) => line.text.split(","))
    .map((name) => name.trim())
    .filter(Boolean);
  addExtras(manifest, names, file.path, extras.line, `[${section.name}] extras = ${names.join(", ")}`);
}

/**
 * The value's lines for tox's default environment: substitutions expanded (`{toxinidir}`,
 * `{[section]key}`), lines for other factors left out, lines with substitutions only tox can make
 * (`{posargs}`, `{env:X}`) skipped with a note.
 */
function testenvLines(
  option: IniOption,
  doc: IniDocument,
  file: string,
  manifest: ManifestFacts,
  depth = 0,
): LogicalLine[] {
  const out: LogicalLine[] = [];
  for (const { text, line } of option.lines) {
    const conditional = /^([\w{}.!,-]+):\s+(.+)$/.exec(text);
    if (conditional && !appliesToDefaultEnvironment(conditional[1]!)) {
      manifest.diagnostics.push(
        diagnostic(
          "info",
          file,
          `'${text}' is for tox environments with factor ${conditional[1]}: not installed`,
          line,
        ),
      );
      continue;
    }
    const body = conditional ? conditional[2]! : text;
    const reference = /^\{\[([^\]]+)\]([\w-]+)\}$/.exec(body.trim());
    if (reference) {
      const target = doc.sections.get(reference[1]!)?.options.get(reference[2]!.toLowerCase());
      if (target && depth < 5) out.push(...testenvLines(target, doc, file, manifest, depth + 1));
      else
        manifest.diagnostics.push(
          diagnostic("warning", file, `'${body}' refers to nothing tox defines`, line),
        );
      continue;
    }
    const expanded = body.replace(/\{toxinidir\}\/?/g, "./");
    if (/\{[^}]*\}/.test(expanded)) {
      manifest.diagnostics.push(
        diagnostic("info", file, `'${body}' uses a substitution only tox can make: not installed`, line),
      );
      continue;
    }
    out.push({ text: expanded, line });
  }
  return out;
}

/**
 * A factor condition (`py27,lowest`, `py3-!devel`): ORed groups of ANDed factors, each possibly negated.
 * The default environment has no factors of its own, so only a group of negations holds for it.
 */
export function appliesToDefaultEnvironment(condition: string): boolean {
  return condition
    .split(",")
    .some((group) => group.split("-").every((factor) => factor.startsWith("!") && factor.length > 1));
}

function addExtras(
  manifest: ManifestFacts,
  extras: string[],
  file: string,
  line: number | null,
  how: string,
) {
  if (extras.length === 0) return;
  manifest.devExtras = [
    ...(manifest.devExtras ?? []),
    ...extras.map((extra) => ({ extra, file, line, how })),
  ];
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function lineOfKey(text: string, key: string): number | null {
  const index = text.split(/\r?\n/).findIndex((line) => new RegExp(`^\\s*${key}\\s*=`).test(line));
  return index < 0 ? null : index + 1;
}

function shiftLines(doc: IniDocument, offset: number | null): IniDocument {
  if (!offset) return doc;
  for (const section of doc.sections.values()) {
    section.line += offset;
    for (const option of section.options.values()) {
      option.line += offset;
      for (const line of option.lines) line.line += offset;
    }
  }
  return doc;
}

function withWarning(
  manifest: ManifestFacts,
  file: string,
  message: string,
  line: number | null,
): ManifestFacts {
  manifest.diagnostics.push(diagnostic("warning", file, message, line));
  return manifest;
}

function isEmpty(manifest: ManifestFacts): boolean {
  return (
    Object.keys(manifest.dependencyGroups).length === 0 &&
    manifest.constraints.length === 0 &&
    !manifest.devExtras?.length &&
    !manifest.details.pip?.localPaths?.length &&
    manifest.diagnostics.every((d) => d.severity === "info")
  );
}
