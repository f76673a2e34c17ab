/**
 * The smaller `[tool.*]` dialects of pyproject.toml: PDM, uv, Hatch, Flit (old `[tool.flit.metadata]`)
 * and setuptools (`[tool.setuptools]`, including `dynamic` values read from files).
 * Specs: https://pdm-project.org/en/latest/reference/pep621/ · https://docs.astral.sh/uv/reference/settings/
 *        https://hatch.pypa.io/latest/config/metadata/ · https://flit.pypa.io/en/latest/pyproject_toml.html
 *        https://setuptools.pypa.io/en/latest/userguide/pyproject_config.html
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { isDhtlError } from "../../../core/errors.js";
import { redactUrl } from "../../../core/redact.js";
import { isTable, type Table, tableAt } from "../../../formats/toml-table.js";
import { findAttrValue, setVersionFromAttr } from "../setup-py/version.js";
import type { Dependency, PackageIndex } from "../types.js";
import { readRequirementFile } from "./requirement-files.js";
import { addToGroup, type DialectInput, dependencyFrom, requirementList, stringOrNull } from "./values.js";

export function readPdm(input: DialectInput): boolean {
  const pdm = tableAt(input.doc, ["tool", "pdm"]);
  if (!pdm) return false;
  const dev = isTable(pdm["dev-dependencies"]) ? pdm["dev-dependencies"] : {};
  for (const [group, list] of Object.entries(dev)) {
    const line = input.lines.key(group, ["tool", "pdm", "dev-dependencies"]);
    addToGroup(
      input.manifest.dependencyGroups,
      group,
      editableAware(list, `tool.pdm.dev-dependencies.${group}`, input, line),
    );
  }
  if (Array.isArray(pdm.source)) {
    for (const source of pdm.source) {
      if (!isTable(source) || typeof source.url !== "string") continue;
      const name = stringOrNull(source.name) ?? "";
      const kind: PackageIndex["kind"] =
        source.type === "find_links"
          ? "find-links"
          : name === "pypi"
            ? "default"
            : source.exclude_packages || source.include_packages
              ? "explicit"
              : "extra";
      input.manifest.indexes.push({ name, url: redactUrl(source.url), file: input.file, kind });
    }
  }
  return true;
}

/** PDM allows `-e path` / `-e git+…` entries in dev-dependencies. */
function editableAware(list: unknown, field: string, input: DialectInput, line: number | null): Dependency[] {
  if (!Array.isArray(list)) return requirementList(list, field, input, line);
  const plain = list.filter((e) => !(typeof e === "string" && e.trim().startsWith("-e ")));
  const deps = requirementList(plain, field, input, line);
  for (const entry of list) {
    if (typeof entry !== "string" || !entry.trim().startsWith("-e ")) continue;
    const target = entry.trim().slice(3).trim();
    const entryLine = input.lines.value(entry, line ?? 1);
    if (/^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@/.test(target)) {
      const dep = dependencyFrom(target, input, entryLine, true);
      if (dep) deps.push(dep);
    } else {
      input.manifest.diagnostics.push(
        diagnostic(
          "review",
          input.file,
          `editable entry '${entry}' has no package name; review it`,
          entryLine,
        ),
      );
    }
  }
  return deps;
}

export function readUv(input: DialectInput): boolean {
  const uv = tableAt(input.doc, ["tool", "uv"]);
  if (!uv) return false;
  const { manifest, lines } = input;
  const at = (key: string) => lines.key(key, ["tool", "uv"]);
  const dev = requirementList(
    uv["dev-dependencies"],
    "tool.uv.dev-dependencies",
    input,
    at("dev-dependencies"),
  );
  if (dev.length > 0) addToGroup(manifest.dependencyGroups, "dev", dev);
  manifest.constraints.push(
    ...requirementList(
      uv["constraint-dependencies"],
      "tool.uv.constraint-dependencies",
      input,
      at("constraint-dependencies"),
    ),
  );
  const overrides = requirementList(
    uv["override-dependencies"],
    "tool.uv.override-dependencies",
    input,
    at("override-dependencies"),
  );
  if (overrides.length > 0) input.details.overrideDependencies = overrides.map((d) => d.requirement);
  if (isTable(uv.sources)) {
    const sources = input.details.sources ?? {};
    for (const [name, source] of Object.entries(uv.sources)) sources[name] = redactDeep(source);
    input.details.sources = sources;
  }
  if (Array.isArray(uv.index)) {
    for (const index of uv.index) {
      if (!isTable(index) || typeof index.url !== "string") continue;
      const kind: PackageIndex["kind"] =
        index.default === true ? "default" : index.explicit === true ? "explicit" : "extra";
      const name = stringOrNull(index.name) ?? "";
      manifest.indexes.push({ name, url: redactUrl(index.url), file: input.file, kind });
    }
  }
  if (typeof uv["index-url"] === "string") {
    manifest.indexes.push({
      name: "index-url",
      url: redactUrl(uv["index-url"]),
      file: input.file,
      kind: "default",
    });
  }
  if (Array.isArray(uv["extra-index-url"])) {
    for (const url of uv["extra-index-url"]) {
      if (typeof url === "string")
        manifest.indexes.push({
          name: "extra-index-url",
          url: redactUrl(url),
          file: input.file,
          kind: "extra",
        });
    }
  }
  // `package = false`: uv manages the environment but never builds or installs the project itself.
  if (typeof uv.package === "boolean") input.details.package = uv.package;
  for (const key of ["workspace", "default-groups", "required-version", "environments"]) {
    if (uv[key] !== undefined) input.details.uv = { ...input.details.uv, [key]: uv[key] };
  }
  return true;
}

export function readHatch(input: DialectInput): boolean {
  const hatch = tableAt(input.doc, ["tool", "hatch"]);
  if (!hatch) return false;
  const envs = isTable(hatch.envs) ? hatch.envs : {};
  const summary: Record<string, { dependencies: string[]; features: string[] }> = {};
  for (const [env, body] of Object.entries(envs)) {
    if (!isTable(body)) continue;
    const deps = [body.dependencies, body["extra-dependencies"]]
      .flatMap((list) => (Array.isArray(list) ? list : []))
      .filter((d): d is string => typeof d === "string");
    const features = Array.isArray(body.features)
      ? body.features.filter((f): f is string => typeof f === "string")
      : [];
    summary[env] = { dependencies: deps, features };
  }
  if (Object.keys(summary).length > 0) input.details.hatchEnvs = summary;
  const metadata = isTable(hatch.metadata) ? hatch.metadata : {};
  if (metadata["allow-direct-references"] === true) input.details.hatchAllowDirectReferences = true;
  const version = isTable(hatch.version) ? hatch.version : null;
  if (version) {
    input.details.hatchVersion = version;
    const path = stringOrNull(version.path);
    if (path && input.manifest.dynamic.includes("version") && !input.manifest.version) {
      const attr = path
        .replace(/\.py$/, "")
        .replace(/\/__init__$/, "")
        .replace(/\//g, ".");
      const found = findAttrValue(`${attr}.__version__`, input.file, input.ctx, [""]);
      if (found) {
        input.manifest.version = { value: found.value, file: found.file };
        input.manifest.includedFiles.push(found.file);
      }
    }
  }
  return true;
}

/** Flit's pre-PEP 621 format: `[tool.flit.metadata]` with module, requires, requires-extra, requires-python. */
export function readFlit(input: DialectInput): boolean {
  const flit = tableAt(input.doc, ["tool", "flit"]);
  if (!flit) return false;
  const metadata = tableAt(flit, ["metadata"]);
  if (!metadata) return true;
  const { manifest, lines, file } = input;
  const header = ["tool", "flit", "metadata"];
  const name = stringOrNull(metadata["dist-name"]) ?? stringOrNull(metadata.module);
  if (name && !manifest.name) manifest.name = { value: name, file };
  if (typeof metadata.module === "string") input.details.flitModule = metadata.module;
  manifest.dependencies.push(
    ...requirementList(
      metadata.requires,
      "tool.flit.metadata.requires",
      input,
      lines.key("requires", header),
    ),
  );
  const extras = metadata["requires-extra"];
  if (isTable(extras)) {
    for (const [extra, list] of Object.entries(extras)) {
      manifest.optionalDependencies[extra] = requirementList(
        list,
        `tool.flit.metadata.requires-extra.${extra}`,
        input,
        lines.key(extra, [...header, "requires-extra"]),
      );
    }
  }
  if (typeof metadata["requires-python"] === "string") {
    manifest.python.push({
      source: "requires-python",
      file,
      line: lines.key("requires-python", header),
      value: metadata["requires-python"],
    });
  }
  const scripts = tableAt(flit, ["scripts"]);
  for (const [script, target] of Object.entries(scripts ?? {}))
    if (typeof target === "string") manifest.scripts[script] = target;
  // Flit reads the version from the module's __version__.
  if (typeof metadata.module === "string" && !manifest.version) {
    const found = findAttrValue(`${metadata.module}.__version__`, file, input.ctx);
    if (found) {
      manifest.version = { value: found.value, file: found.file };
      manifest.includedFiles.push(found.file);
    }
  }
  return true;
}

export function readSetuptools(input: DialectInput): boolean {
  const setuptools = tableAt(input.doc, ["tool", "setuptools"]);
  if (!setuptools) return false;
  const { manifest } = input;
  for (const key of ["packages", "package-dir", "py-modules", "package-data"]) {
    if (setuptools[key] !== undefined)
      input.details.setuptools = { ...input.details.setuptools, [key]: setuptools[key] };
  }
  const dynamic = tableAt(setuptools, ["dynamic"]);
  if (!dynamic) return true;
  const header = ["tool", "setuptools", "dynamic"];
  if (isTable(dynamic.dependencies)) {
    manifest.dependencies.push(
      ...dynamicFiles(dynamic.dependencies, input, input.lines.key("dependencies", header)),
    );
  }
  if (isTable(dynamic["optional-dependencies"])) {
    for (const [extra, spec] of Object.entries(dynamic["optional-dependencies"])) {
      if (isTable(spec)) {
        const line =
          input.lines.key(extra, [...header, "optional-dependencies"]) ?? input.lines.key(extra, header);
        manifest.optionalDependencies[extra] = dynamicFiles(spec, input, line);
      }
    }
  }
  if (isTable(dynamic.version) && !manifest.version) {
    const line = input.lines.key("version", header);
    const attr = stringOrNull(dynamic.version.attr);
    const files = fileList(dynamic.version.file);
    if (attr) {
      const roots = packageRoots(setuptools["package-dir"]);
      setVersionFromAttr(
        manifest,
        attr,
        { file: input.file, line },
        input.ctx,
        roots,
        `version comes from attr '${attr}', which is not a literal this reader can find; review it`,
      );
    } else if (files.length > 0) {
      try {
        const source = input.ctx.readFile(files[0] ?? "", { file: input.file, line });
        manifest.version = { value: source.text.trim(), file: source.path };
        manifest.includedFiles.push(source.path);
      } catch (error) {
        if (!isDhtlError(error)) throw error;
        manifest.diagnostics.push(
          diagnostic("error", input.file, `dynamic version file: ${error.message}`, line),
        );
      }
    }
  }
  return true;
}

function dynamicFiles(spec: Table, input: DialectInput, line: number | null): Dependency[] {
  const deps: Dependency[] = [];
  for (const path of fileList(spec.file)) {
    try {
      const result = readRequirementFile(path, { file: input.file, line }, input.ctx);
      input.manifest.includedFiles.push(result.path);
      input.manifest.diagnostics.push(...result.diagnostics);
      deps.push(...result.dependencies);
    } catch (error) {
      if (!isDhtlError(error)) throw error;
      input.manifest.diagnostics.push(
        diagnostic("error", input.file, `dynamic file '${path}': ${error.message}`, line),
      );
    }
  }
  return deps;
}

function fileList(value: unknown): string[] {
  if (typeof value === "string") return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function packageRoots(packageDir: unknown): string[] {
  const roots = ["", "src"];
  if (isTable(packageDir) && typeof packageDir[""] === "string") roots.unshift(packageDir[""]);
  return roots;
}

/** Credentials in source URLs never reach output. */
function redactDeep(value: unknown): unknown {
  if (typeof value === "string") return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? redactUrl(value) : value;
  if (Array.isArray(value)) return value.map(redactDeep);
  if (isTable(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)]));
  return value;
}
