/**
 * setup.cfg as setuptools reads it (declarative config): [metadata] name/version (with `attr:` and `file:`),
 * [options] install_requires/python_requires/tests_require/setup_requires/packages,
 * [options.extras_require] and [options.entry_points], including `file:` directives on requirement lists.
 * Spec: https://setuptools.pypa.io/en/latest/userguide/declarative_config.html
 */
import { posix } from "node:path";
import { diagnostic } from "../../../core/diagnostics.js";
import { isDhtlError } from "../../../core/errors.js";
import { redactUrlsIn } from "../../../core/redact.js";
import { type IniDocument, type IniOption, iniGet, parseIni } from "../../../formats/ini.js";
import { readRequirementFile, resolveBeside } from "../pyproject/requirement-files.js";
import { requirementProblem } from "../pyproject/values.js";
import { setVersionFromAttr } from "../setup-py/version.js";
import {
  type Dependency,
  emptyManifest,
  type ManifestFacts,
  type ManifestReader,
  type ReadContext,
  type SetuptoolsDetails,
  type SourceFile,
} from "../types.js";

export const setupCfgReader: ManifestReader = {
  name: "setup.cfg",
  spec: "https://setuptools.pypa.io/en/latest/userguide/declarative_config.html",
  claims: (relPath) => posix.basename(relPath) === "setup.cfg",
  read(file, ctx) {
    const doc = parseIni(file.text, file.path);
    const hasMetadata = doc.sections.has("metadata") || doc.sections.has("options");
    // Only [metadata]/[options] make setup.cfg a package description; [flake8] & co. are tool settings.
    const manifest = emptyManifest(hasMetadata ? "setup.cfg" : "setup.cfg:tool-settings", file.path);
    if (hasMetadata) manifest.packageManager = "setuptools";
    const reader = new SetupCfg(doc, file, ctx, manifest);
    reader.metadata();
    reader.options();
    manifest.includedFiles = [...new Set(manifest.includedFiles)].sort();
    // A setup.cfg holding only tool settings ([flake8], [tool:pytest]) says nothing about the project.
    const toolSections = [...doc.sections.keys()]
      .filter((s) => s !== "metadata" && !s.startsWith("options"))
      .sort();
    manifest.details.setupCfg = { toolSections };
    return [manifest];
  },
};

class SetupCfg {
  constructor(
    private readonly doc: IniDocument,
    private readonly file: SourceFile,
    private readonly ctx: ReadContext,
    private readonly manifest: ManifestFacts,
  ) {}

  /** setuptools still accepts dashed option names (`install-requires`), with a deprecation warning. */
  private get(section: string, key: string): IniOption | undefined {
    return iniGet(this.doc, section, key) ?? iniGet(this.doc, section, key.replace(/_/g, "-"));
  }

  metadata(): void {
    const name = this.get("metadata", "name");
    if (name?.value) this.manifest.name = { value: name.value, file: this.file.path };
    const version = this.get("metadata", "version");
    if (version?.value) this.version(version);
  }

  private version(option: IniOption): void {
    const value = option.value.trim();
    const { manifest, file } = this;
    if (value.startsWith("attr:")) {
      const attr = value.slice(5).trim();
      setVersionFromAttr(
        manifest,
        attr,
        { file: file.path, line: option.line },
        this.ctx,
        this.packageRoots(),
        `version = attr: ${attr} is not a literal this reader can find; review it`,
      );
    } else if (value.startsWith("file:")) {
      const text = this.readDirectiveFiles(value.slice(5), option);
      if (text !== null) manifest.version = { value: text.trim(), file: file.path };
    } else manifest.version = { value, file: file.path };
  }

  /** package_dir roots for `attr:` lookups: `=src` maps the root package to src/. */
  private packageRoots(): string[] {
    const packageDir = this.get("options", "package_dir");
    const roots = ["", "src"];
    const m = packageDir ? /(?:^|\n)\s*=\s*(\S+)/.exec(packageDir.value) : null;
    if (m?.[1]) roots.unshift(m[1]);
    return roots;
  }

  options(): void {
    const { manifest, file } = this;
    manifest.dependencies.push(...this.requirements("options", "install_requires"));
    const tests = this.requirements("options", "tests_require");
    if (tests.length > 0) manifest.dependencyGroups.test = tests;
    const setupRequires = this.get("options", "setup_requires");
    if (setupRequires) {
      manifest.buildSystem = {
        backend: null,
        requires: this.requirements("options", "setup_requires").map((d) => d.requirement),
        file: file.path,
      };
    }
    const python = this.get("options", "python_requires");
    if (python?.value)
      manifest.python.push({
        source: "python_requires",
        file: file.path,
        line: python.line,
        value: python.value.trim(),
      });
    const layout = (key: string) => {
      const option = this.get("options", key);
      return option ? listValue(option.value) : undefined;
    };
    const setuptools: SetuptoolsDetails = {};
    const packages = layout("packages");
    const packageDir = layout("package_dir");
    const pyModules = layout("py_modules");
    if (packages) setuptools.packages = packages;
    if (packageDir) setuptools.packageDir = packageDir;
    if (pyModules) setuptools.pyModules = pyModules;
    const keys = ["metadata", "options"].flatMap((section) => [
      ...(this.doc.sections.get(section)?.options.keys() ?? []),
    ]);
    for (const section of ["entry_points", "extras_require"])
      if (this.doc.sections.has(`options.${section}`)) keys.push(section);
    setuptools.keywords = [...new Set(keys.map((k) => k.replace(/-/g, "_")))].sort();
    manifest.details.setuptools = setuptools;
    const extras = this.doc.sections.get("options.extras_require");
    for (const option of extras?.options.values() ?? []) {
      manifest.optionalDependencies[option.name] = this.requirementOption(option);
    }
    const consoleScripts = this.get("options.entry_points", "console_scripts");
    for (const line of consoleScripts ? listValue(consoleScripts.value) : []) {
      const m = /^([^=\s]+)\s*=\s*(\S.*)$/.exec(line);
      if (m?.[1] && m[2]) manifest.scripts[m[1]] = m[2].trim();
    }
  }

  private requirements(section: string, key: string): Dependency[] {
    const option = this.get(section, key);
    return option ? this.requirementOption(option) : [];
  }

  /**
   * A requirement list (setuptools' "list-semi"): one per line when the value spans lines, otherwise
   * split on `;` — so a one-line value cannot carry a marker, exactly as setuptools reads it — or a
   * `file:` directive naming requirement files.
   */
  private requirementOption(option: IniOption): Dependency[] {
    const value = option.value.trim();
    if (value.startsWith("file:")) return this.requirementFiles(value.slice(5), option);
    const deps: Dependency[] = [];
    const items =
      option.lines.length === 1
        ? (option.lines[0]?.text ?? "").split(";").map((text) => ({ text, line: option.line }))
        : option.lines;
    for (const { text, line } of items) {
      const content = text.replace(/(^|\s)#.*$/, "").trim();
      if (content === "") continue;
      const problem = requirementProblem(content);
      if (problem) {
        this.manifest.diagnostics.push(
          diagnostic(
            "error",
            this.file.path,
            `not a valid requirement in ${option.name}: '${content}' (${problem})`,
            line,
          ),
        );
        continue;
      }
      deps.push({ requirement: redactUrlsIn(content), file: this.file.path, line });
    }
    return deps;
  }

  private requirementFiles(list: string, option: IniOption): Dependency[] {
    const deps: Dependency[] = [];
    for (const path of listValue(list)) {
      try {
        const result = readRequirementFile(path, { file: this.file.path, line: option.line }, this.ctx);
        this.manifest.includedFiles.push(result.path);
        this.manifest.diagnostics.push(...result.diagnostics);
        deps.push(...result.dependencies);
      } catch (error) {
        this.reportDirectiveError(option, path, error);
      }
    }
    return deps;
  }

  /** A `file:` target that cannot be read is an error on the option's line; the rest is still read. */
  private reportDirectiveError(option: IniOption, path: string, error: unknown): void {
    if (!isDhtlError(error)) throw error;
    this.manifest.diagnostics.push(
      diagnostic("error", this.file.path, `${option.name} = file: ${path}: ${error.message}`, option.line),
    );
  }

  private readDirectiveFiles(list: string, option: IniOption): string | null {
    const parts: string[] = [];
    for (const path of listValue(list)) {
      try {
        const source = this.ctx.readFile(resolveBeside(this.file.path, path), {
          file: this.file.path,
          line: option.line,
        });
        this.manifest.includedFiles.push(source.path);
        parts.push(source.text);
      } catch (error) {
        this.reportDirectiveError(option, path, error);
        return null;
      }
    }
    return parts.join("\n");
  }
}

/** setuptools' list syntax: one item per line, or comma-separated on one line. */
function listValue(value: string): string[] {
  const lines = value.includes("\n") ? value.split("\n") : value.split(",");
  return lines.map((s) => s.trim()).filter((s) => s !== "");
}
