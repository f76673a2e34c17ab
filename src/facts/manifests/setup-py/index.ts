/**
 * setup.py, read statically: parsed (python-literal-parser.ts), the `setup(...)` call found and its keyword
 * arguments evaluated as far as literals, variables and literal-path file reads allow (setup-py-eval.ts).
 * Whatever cannot be resolved is reported as a "review" diagnostic naming the line — never guessed.
 * Spec: https://setuptools.pypa.io/en/latest/references/keywords.html
 */
import { posix } from "node:path";
import { diagnostic, sortDiagnostics } from "../../../core/diagnostics.js";
import { redactUrlsIn } from "../../../core/redact.js";
import { parseIni } from "../../../formats/ini.js";
import { normalizeName } from "../../../pep/names.js";
import { requirementProblem } from "../pyproject/values.js";
import {
  type Dependency,
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type ReadContext,
  type SetuptoolsDetails,
  type SourceFile,
} from "../types.js";
import { SetupInterpreter } from "./eval.js";
import { type Arg, parsePython } from "./literal-parser.js";
import { type Env, isSpecial, PyDict, type PyValue, Unknown } from "./values.js";
import { findPackageVersion } from "./version.js";

export const setupPyReader: ManifestReader = {
  name: "setup.py",
  spec: "https://setuptools.pypa.io/en/latest/references/keywords.html",
  claims: (relPath) => posix.basename(relPath) === "setup.py",
  read(file, ctx) {
    const module = parsePython(file.text, file.path);
    const interpreter = new SetupInterpreter(file.path, ctx);
    interpreter.run(module);
    const manifest = emptyManifest("setup.py", file.path);
    manifest.packageManager = "setuptools";
    const call = interpreter.setupCalls[0];
    if (!call) {
      manifest.diagnostics.push(
        diagnostic(
          "review",
          file.path,
          "no setup() call found; review how this setup.py builds the package",
          null,
        ),
      );
      return [manifest];
    }
    if (interpreter.setupCalls.length > 1) {
      manifest.diagnostics.push(
        diagnostic(
          "review",
          file.path,
          `setup() is called ${interpreter.setupCalls.length} times; read the one at line ${call.call.line}`,
          call.call.line,
        ),
      );
    }
    const kwargs = collectKeywords(call.call.args, call.env, interpreter, manifest, file);
    const unreadSpread = manifest.diagnostics.some((d) => d.message.startsWith("setup(**…)"));
    setLayout(manifest, "keywords", [...kwargs.keys(), ...(unreadSpread ? ["**"] : [])].sort());
    const extract = new Extractor(kwargs, manifest, file, interpreter);
    extract.all();
    resolveComputedVersion(kwargs, extract.packageNames(), manifest, file, interpreter, ctx);
    for (const d of interpreter.diagnostics) manifest.diagnostics.push(d);
    manifest.includedFiles.push(...interpreter.includedFiles);
    manifest.includedFiles = [...new Set(manifest.includedFiles)].sort();
    manifest.diagnostics = sortDiagnostics(dedupe(manifest.diagnostics));
    return [manifest];
  },
};

/**
 * When `version=` is computed (the regex-over-`__init__.py` trick), look for a literal `__version__` where
 * packages keep it and report the value found for review; `use_scm_version` means git tags decide.
 */
function resolveComputedVersion(
  kwargs: Map<string, Keyword>,
  packages: string[],
  manifest: ManifestFacts,
  file: SourceFile,
  interpreter: SetupInterpreter,
  ctx: ReadContext,
): void {
  const versionKeyword = kwargs.get("version");
  const scm = kwargs.get("use_scm_version");
  if (!versionKeyword && scm && scm.value !== false) {
    manifest.diagnostics.push(
      diagnostic(
        "review",
        file.path,
        "version comes from git tags (setuptools_scm use_scm_version); review it",
        scm.line,
      ),
    );
  }
  if (!manifest.version && versionKeyword) {
    // Python files setup.py itself read (`read("pkg/__init__.py")`) are the best place to look.
    const readPy = [...interpreter.includedFiles].filter((f) => f.endsWith(".py"));
    const found = findPackageVersion(packages, file.path, ctx, readPy);
    const versionLine =
      versionKeyword.value instanceof Unknown ? versionKeyword.value.line : versionKeyword.line;
    if (!found) {
      manifest.diagnostics.push(
        diagnostic("review", file.path, `version is computed at line ${versionLine}; review it`, versionLine),
      );
    } else {
      manifest.version = { value: found.value, file: found.file };
      manifest.includedFiles.push(found.file);
      manifest.diagnostics.push(
        diagnostic(
          "review",
          file.path,
          `version is computed; found ${found.value} assigned in ${found.file}:${found.line}; review it`,
          versionLine,
        ),
      );
    }
  }
}

interface Keyword {
  value: PyValue;
  line: number;
}

function collectKeywords(
  args: Arg[],
  env: Env,
  interpreter: SetupInterpreter,
  manifest: ManifestFacts,
  file: SourceFile,
): Map<string, Keyword> {
  const out = new Map<string, Keyword>();
  for (const arg of args) {
    if (arg.name === "**") {
      const spread = interpreter.evaluate(arg.value, env);
      if (spread instanceof PyDict) {
        for (const [k, v] of spread.entries) out.set(k, { value: v, line: arg.value.line });
      } else {
        const line = spread instanceof Unknown ? spread.line : arg.value.line;
        manifest.diagnostics.push(
          diagnostic(
            "review",
            file.path,
            `setup(**…) passes computed keyword arguments (line ${line}); review them`,
            arg.value.line,
          ),
        );
      }
    } else if (arg.name && arg.name !== "*") {
      const mark = interpreter.conditionalChanges.length;
      out.set(arg.name, { value: interpreter.evaluate(arg.value, env), line: arg.value.line });
      for (const change of interpreter.conditionalChanges.splice(mark)) {
        manifest.diagnostics.push(
          diagnostic(
            "review",
            file.path,
            `${arg.name}: line ${change.line} changes ${change.variable} conditionally; review what it adds`,
            change.line,
          ),
        );
      }
    }
  }
  return out;
}

/** Maps setup() keywords onto ManifestFacts. */
class Extractor {
  constructor(
    private readonly kwargs: Map<string, Keyword>,
    private readonly manifest: ManifestFacts,
    private readonly file: SourceFile,
    private readonly interpreter: SetupInterpreter,
  ) {}

  all(): void {
    const { manifest, file } = this;
    const definedIn = (value: string) => this.interpreter.definedIn.get(value) ?? file.path;
    const name = this.string("name");
    if (name !== null) manifest.name = { value: name, file: definedIn(name) };
    const version = this.string("version");
    if (version !== null) manifest.version = { value: version, file: definedIn(version) };
    manifest.dependencies.push(...this.requirements("install_requires"));
    this.extras();
    const tests = this.requirements("tests_require");
    if (tests.length > 0) manifest.dependencyGroups.test = tests;
    const setupRequires = this.requirements("setup_requires");
    if (this.kwargs.has("setup_requires")) {
      manifest.buildSystem = {
        backend: null,
        requires: setupRequires.map((d) => d.requirement),
        file: file.path,
      };
    }
    const python = this.string("python_requires");
    if (python !== null) {
      manifest.python.push({
        source: "python_requires",
        file: file.path,
        line: this.kwargs.get("python_requires")?.line ?? null,
        value: python,
      });
    }
    this.entryPoints();
    const layout: [string, keyof SetuptoolsDetails][] = [
      ["packages", "packages"],
      ["py_modules", "pyModules"],
      ["package_dir", "packageDir"],
      ["dependency_links", "dependencyLinks"],
    ];
    for (const [key, field] of layout) {
      const kw = this.kwargs.get(key);
      if (!kw) continue;
      const json = toJson(kw.value);
      if (json !== undefined) setLayout(manifest, field, json);
      else if (
        !(
          key === "packages" &&
          kw.value instanceof Unknown &&
          /find_(namespace_)?packages/.test(kw.value.reason)
        )
      ) {
        this.review(key, kw);
      } else setLayout(manifest, field, "find_packages()");
    }
    if (this.kwargs.has("dependency_links")) {
      manifest.diagnostics.push(
        diagnostic(
          "review",
          file.path,
          "dependency_links is ignored by pip and uv; move those URLs to requirements or sources",
          this.kwargs.get("dependency_links")?.line ?? null,
        ),
      );
    }
  }

  /** Top-level package names to look for a `__version__` in. */
  packageNames(): string[] {
    const names = new Set<string>();
    const packages = this.kwargs.get("packages")?.value;
    if (Array.isArray(packages))
      for (const p of packages) if (typeof p === "string" && !p.includes(".")) names.add(p);
    const modules = this.kwargs.get("py_modules")?.value;
    if (Array.isArray(modules)) for (const m of modules) if (typeof m === "string") names.add(m);
    const name = this.manifest.name?.value;
    if (name) {
      // `my-pkg` ships as `my_pkg` or `mypkg` more often than not.
      names.add(normalizeName(name).replace(/-/g, "_"));
      names.add(normalizeName(name).replace(/-/g, ""));
    }
    return [...names];
  }

  private string(key: string): string | null {
    const kw = this.kwargs.get(key);
    if (!kw) return null;
    if (typeof kw.value === "string") return kw.value;
    if (key !== "version") this.review(key, kw);
    return null;
  }

  private review(key: string, kw: Keyword): void {
    const line = kw.value instanceof Unknown ? kw.value.line : kw.line;
    const why = kw.value instanceof Unknown ? ` (${kw.value.reason})` : "";
    this.manifest.diagnostics.push(
      diagnostic("review", this.file.path, `${key} is computed at line ${line}${why}; review it`, line),
    );
  }

  private requirements(key: string): Dependency[] {
    const kw = this.kwargs.get(key);
    if (!kw) return [];
    return this.requirementValues(key, kw);
  }

  private requirementValues(key: string, kw: Keyword, marker = ""): Dependency[] {
    let items: PyValue[];
    if (typeof kw.value === "string") items = kw.value.split(/\r\n|\n|\r/);
    else if (Array.isArray(kw.value)) items = kw.value;
    else {
      this.review(key, kw);
      return [];
    }
    const deps: Dependency[] = [];
    for (const item of items) {
      if (typeof item !== "string") {
        this.review(key, { value: item, line: kw.line });
        continue;
      }
      const text = item.replace(/(^|\s)#.*$/, "").trim();
      if (text === "") continue;
      const origin = this.interpreter.origins.get(item.trim()) ?? {
        file: this.file.path,
        line: this.lineOfString(item, kw.line),
      };
      if (text.startsWith("-")) {
        this.manifest.diagnostics.push(
          diagnostic(
            "review",
            origin.file,
            `'${text}' is a pip option, not a requirement; review it`,
            origin.line,
          ),
        );
        continue;
      }
      const problem = requirementProblem(text);
      if (problem) {
        this.manifest.diagnostics.push(
          diagnostic(
            "error",
            origin.file,
            `not a valid requirement in ${key}: '${text}' (${problem})`,
            origin.line,
          ),
        );
        continue;
      }
      deps.push({
        requirement: redactUrlsIn(marker ? addMarker(text, marker) : text),
        file: origin.file,
        line: origin.line,
      });
    }
    return deps;
  }

  /** `extras_require`; keys `extra:marker` and `:marker` (conditional install_requires) are honoured. */
  private extras(): void {
    const kw = this.kwargs.get("extras_require");
    if (!kw) return;
    if (!(kw.value instanceof PyDict)) {
      this.review("extras_require", kw);
      return;
    }
    for (const [key, value] of kw.value.entries) {
      const colon = key.indexOf(":");
      const extra = colon === -1 ? key : key.slice(0, colon);
      const marker = colon === -1 ? "" : key.slice(colon + 1).trim();
      const deps = this.requirementValues(
        `extras_require[${JSON.stringify(key)}]`,
        { value, line: kw.line },
        marker,
      );
      if (extra === "") this.manifest.dependencies.push(...deps);
      else
        this.manifest.optionalDependencies[extra] = [
          ...(this.manifest.optionalDependencies[extra] ?? []),
          ...deps,
        ];
    }
  }

  private entryPoints(): void {
    const kw = this.kwargs.get("entry_points");
    if (!kw) return;
    let consoleScripts: PyValue | undefined;
    if (kw.value instanceof PyDict) consoleScripts = kw.value.entries.get("console_scripts");
    else if (typeof kw.value === "string") {
      const ini = parseIni(kw.value, this.file.path);
      consoleScripts = [...(ini.sections.get("console_scripts")?.options.values() ?? [])].map(
        (o) => `${o.name} = ${o.value}`,
      );
    } else {
      this.review("entry_points", kw);
      return;
    }
    if (consoleScripts === undefined) return;
    const lines = typeof consoleScripts === "string" ? consoleScripts.split("\n") : consoleScripts;
    if (!Array.isArray(lines)) {
      this.review("entry_points", kw);
      return;
    }
    for (const line of lines) {
      if (typeof line !== "string") continue;
      const m = /^\s*([^=\s]+)\s*=\s*(\S.*?)\s*$/.exec(line);
      if (m?.[1] && m[2]) this.manifest.scripts[m[1]] = m[2];
    }
  }

  private lineOfString(value: string, from: number): number {
    const lines = this.file.text.split(/\r\n|\n|\r/);
    for (let i = Math.max(from - 1, 0); i < lines.length; i++) {
      if (lines[i]?.includes(value)) return i + 1;
    }
    for (let i = 0; i < lines.length; i++) if (lines[i]?.includes(value)) return i + 1;
    return from;
  }
}

function addMarker(requirement: string, marker: string): string {
  const semi = requirement.indexOf(";");
  if (semi === -1) return `${requirement}; ${marker}`;
  return `${requirement.slice(0, semi).trim()}; (${requirement.slice(semi + 1).trim()}) and (${marker})`;
}

function toJson(value: PyValue): unknown {
  if (value instanceof Unknown) return undefined;
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    const items = value.map(toJson);
    return items.includes(undefined) ? undefined : items;
  }
  if (value instanceof PyDict) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value.entries) {
      const json = toJson(v);
      if (json === undefined) return undefined;
      out[k] = json;
    }
    return out;
  }
  if (isSpecial(value, "path")) return value.path;
  return undefined;
}

function dedupe<T extends { file: string; line: number | null; message: string }>(list: T[]): T[] {
  const seen = new Set<string>();
  return list.filter((d) => {
    const key = `${d.file}:${d.line}:${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function setLayout(manifest: ManifestFacts, field: keyof SetuptoolsDetails, value: unknown): void {
  manifest.details.setuptools = { ...manifest.details.setuptools, [field]: value };
}
