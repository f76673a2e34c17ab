/**
 * `[tool.poetry]`, Poetry 1.x and 2.x. Poetry's own dependency syntax becomes PEP 508 strings:
 * constraints via poetry-constraint.ts, `python`/`platform` via markers, git/url via direct references.
 * Path dependencies keep the plain name in the requirement and the path in `details.sources` (the shape of
 * uv's `[tool.uv.sources]`), since a relative `file:` URL is not portable PEP 508.
 * Spec: https://python-poetry.org/docs/pyproject/ and https://python-poetry.org/docs/dependency-specification/
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { redactUrl } from "../../../core/redact.js";
import { isTable, type Table, tableAt, tableOrNull } from "../../../formats/toml-table.js";
import type { Dependency, PackageIndex } from "../types.js";
import { convertPoetryConstraint, poetryToPythonMarker } from "./poetry-constraint.js";
import { addToGroup, type DialectInput, dependencyFrom, describe, stringOrNull } from "./values.js";

interface PoetryDependency {
  dependency: Dependency;
  name: string;
  optional: boolean;
}

export function readPoetry(input: DialectInput): boolean {
  const poetry = tableAt(input.doc, ["tool", "poetry"]);
  if (!poetry) return false;
  const { manifest, file } = input;
  const name = stringOrNull(poetry.name);
  if (name !== null && !manifest.name) manifest.name = { value: name, file };
  const version = stringOrNull(poetry.version);
  if (version !== null && !manifest.version) manifest.version = { value: version, file };

  const mainTable = ["tool", "poetry", "dependencies"];
  const main = readDependencyTable(poetry.dependencies, mainTable, input);
  // Poetry 2.x: when [project].dependencies exists, [tool.poetry.dependencies] only enriches it
  // (sources, develop flags, python); adding its entries again would duplicate them.
  const projectHasDeps = isTable(input.doc.project) && Array.isArray(input.doc.project.dependencies);
  if (!projectHasDeps) {
    manifest.dependencies.push(...main.filter((d) => !d.optional).map((d) => d.dependency));
  }
  readExtras(poetry.extras, main, input, projectHasDeps);

  const dev = readDependencyTable(poetry["dev-dependencies"], ["tool", "poetry", "dev-dependencies"], input);
  if (dev.length > 0)
    addToGroup(
      manifest.dependencyGroups,
      "dev",
      dev.map((d) => d.dependency),
    );

  const optionalGroups: string[] = [];
  const groups = isTable(poetry.group) ? poetry.group : {};
  for (const [group, body] of Object.entries(groups)) {
    if (!isTable(body)) continue;
    if (body.optional === true) optionalGroups.push(group);
    const deps = readDependencyTable(
      body.dependencies,
      ["tool", "poetry", "group", group, "dependencies"],
      input,
    );
    addToGroup(
      manifest.dependencyGroups,
      group,
      deps.map((d) => d.dependency),
    );
  }
  if (optionalGroups.length > 0) input.details.poetryOptionalGroups = optionalGroups.sort();

  readSources(poetry.source, input);
  readPoetryScripts(poetry.scripts, input);
  // Poetry 1.8+: `package-mode = false` manages dependencies only, the project is not installed.
  if (poetry["package-mode"] === false) input.details.package = false;
  for (const key of ["packages", "include", "exclude"] as const) {
    if (poetry[key] !== undefined) input.details.poetry = { ...input.details.poetry, [key]: poetry[key] };
  }
  return true;
}

function readDependencyTable(value: unknown, tablePath: string[], input: DialectInput): PoetryDependency[] {
  if (value === undefined) return [];
  if (!isTable(value)) {
    input.manifest.diagnostics.push(
      diagnostic(
        "error",
        input.file,
        `[${tablePath.join(".")}] must be a table`,
        input.lines.table(tablePath),
      ),
    );
    return [];
  }
  const out: PoetryDependency[] = [];
  for (const [name, spec] of Object.entries(value)) {
    const line = input.lines.key(name, tablePath);
    if (name.toLowerCase() === "python") {
      if (typeof spec === "string" && tablePath[2] === "dependencies") {
        input.manifest.python.push({
          source: "tool.poetry.dependencies.python",
          file: input.file,
          line,
          value: spec,
        });
        const converted = convertPoetryConstraint(spec);
        input.details.poetryPythonPep440 = converted.specifier;
        if (!converted.exact)
          needsReview(
            input,
            line,
            `python = "${spec}" is a union; requires-python can only hold its hull "${converted.specifier}"`,
          );
      }
      continue;
    }
    const specs = Array.isArray(spec) ? spec : [spec];
    for (const one of specs) {
      const dep = convertDependency(name, one, input, line);
      if (dep) out.push(dep);
    }
  }
  return out;
}

/** One Poetry dependency (string or table) → a PEP 508 requirement. */
function convertDependency(
  name: string,
  spec: unknown,
  input: DialectInput,
  line: number | null,
): PoetryDependency | null {
  if (typeof spec === "string") {
    const requirement = name + constraint(spec, name, input, line);
    const dependency = dependencyFrom(requirement, input, line);
    return dependency ? { dependency, name, optional: false } : null;
  }
  if (!isTable(spec)) {
    input.manifest.diagnostics.push(
      diagnostic(
        "error",
        input.file,
        `dependency '${name}': expected a string or table, got ${describe(spec)}`,
        line,
      ),
    );
    return null;
  }
  const extras = Array.isArray(spec.extras)
    ? spec.extras.filter((e): e is string => typeof e === "string")
    : [];
  const head = extras.length > 0 ? `${name}[${extras.join(",")}]` : name;
  const markers = markersOf(spec);
  const markerSuffix = markers ? `; ${markers}` : "";
  let requirement: string;
  const git = stringOrNull(spec.git);
  const url = stringOrNull(spec.url);
  const path = stringOrNull(spec.path);
  if (git) {
    const ref = stringOrNull(spec.rev) ?? stringOrNull(spec.tag) ?? stringOrNull(spec.branch);
    const sub = stringOrNull(spec.subdirectory);
    const gitUrl = git.startsWith("git+") ? git : `git+${git}`;
    requirement = `${head} @ ${gitUrl}${ref ? `@${ref}` : ""}${sub ? `#subdirectory=${sub}` : ""}${markers ? ` ; ${markers}` : ""}`;
    recordSource(input, name, { git: redactUrl(git), ...refFields(spec) });
  } else if (url) {
    requirement = `${head} @ ${url}${markers ? ` ; ${markers}` : ""}`;
    recordSource(input, name, { url: redactUrl(url) });
  } else if (path) {
    requirement = `${head}${markerSuffix}`;
    recordSource(input, name, { path, editable: spec.develop === true });
  } else {
    const version = typeof spec.version === "string" ? spec.version : "*";
    requirement = `${head}${constraint(version, name, input, line)}${markerSuffix}`;
  }
  if (typeof spec.source === "string") recordSource(input, name, { index: spec.source });
  const dependency = dependencyFrom(requirement, input, line, spec.develop === true);
  return dependency ? { dependency, name, optional: spec.optional === true } : null;
}

function refFields(spec: Table): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ["rev", "tag", "branch", "subdirectory"]) {
    const value = stringOrNull(spec[key]);
    if (value) out[key] = value;
  }
  return out;
}

function constraint(spec: string, name: string, input: DialectInput, line: number | null): string {
  const converted = convertPoetryConstraint(spec);
  if (!converted.exact) {
    needsReview(
      input,
      line,
      `'${name} = "${spec}"' is a union, which one PEP 508 requirement cannot express; used its hull "${converted.specifier}"`,
    );
  }
  return converted.specifier;
}

/** `python`, `platform` and `markers` of a table dependency, joined with `and`. */
function markersOf(spec: Table): string {
  const parts: string[] = [];
  if (typeof spec.python === "string") {
    const marker = poetryToPythonMarker(spec.python);
    if (marker) parts.push(marker);
  }
  if (typeof spec.platform === "string") parts.push(`sys_platform == "${spec.platform}"`);
  if (typeof spec.markers === "string" && spec.markers.trim()) parts.push(spec.markers.trim());
  if (parts.length <= 1) return parts[0] ?? "";
  return parts.map((p) => (/\sor\s/.test(p) ? `(${p})` : p)).join(" and ");
}

function readExtras(
  value: unknown,
  main: PoetryDependency[],
  input: DialectInput,
  projectHasDeps: boolean,
): void {
  if (!isTable(value)) {
    for (const dep of main.filter((d) => d.optional)) {
      needsReview(
        input,
        dep.dependency.line,
        `optional dependency '${dep.name}' is in no [tool.poetry.extras] entry`,
      );
    }
    return;
  }
  const used = new Set<string>();
  for (const [extra, names] of Object.entries(value)) {
    if (!Array.isArray(names)) continue;
    const deps: Dependency[] = [];
    for (const wanted of names) {
      if (typeof wanted !== "string") continue;
      const found = main.filter((d) => d.name.toLowerCase() === wanted.toLowerCase());
      if (found.length === 0 && !projectHasDeps) {
        input.manifest.diagnostics.push(
          diagnostic(
            "warning",
            input.file,
            `extra '${extra}' names '${wanted}', which is not a dependency`,
            input.lines.key(extra, ["tool", "poetry", "extras"]),
          ),
        );
      }
      for (const d of found) {
        deps.push(d.dependency);
        used.add(d.name);
      }
    }
    if (deps.length > 0 || !input.manifest.optionalDependencies[extra]) {
      const existing = input.manifest.optionalDependencies[extra] ?? [];
      input.manifest.optionalDependencies[extra] = [...existing, ...deps];
    }
  }
  for (const dep of main.filter((d) => d.optional && !used.has(d.name))) {
    needsReview(
      input,
      dep.dependency.line,
      `optional dependency '${dep.name}' is in no [tool.poetry.extras] entry`,
    );
  }
}

function readSources(value: unknown, input: DialectInput): void {
  if (!Array.isArray(value)) return;
  let sawPrimary = false;
  for (const source of value) {
    if (!isTable(source) || typeof source.name !== "string") continue;
    const priority =
      stringOrNull(source.priority) ??
      (source.default === true ? "default" : source.secondary === true ? "secondary" : "primary");
    let kind: PackageIndex["kind"] = "extra";
    if (priority === "explicit") kind = "explicit";
    else if (priority === "default" || (priority === "primary" && !sawPrimary)) {
      kind = "default";
      sawPrimary = true;
    }
    const url = stringOrNull(source.url);
    // Poetry's built-in "PyPI" source has no url.
    input.manifest.indexes.push({
      name: source.name,
      url: redactUrl(url ?? "https://pypi.org/simple"),
      file: input.file,
      kind,
    });
  }
}

function readPoetryScripts(value: unknown, input: DialectInput): void {
  if (!isTable(value)) return;
  for (const [name, target] of Object.entries(value)) {
    if (typeof target === "string") input.manifest.scripts[name] = target;
    else if (isTable(target)) {
      const reference = stringOrNull(target.reference) ?? stringOrNull(target.callable);
      if (reference) input.manifest.scripts[name] = reference;
    }
  }
}

function recordSource(input: DialectInput, name: string, fields: Record<string, unknown>): void {
  const sources = input.details.sources ?? {};
  sources[name] = { ...tableOrNull(sources[name]), ...fields };
  input.details.sources = sources;
}

function needsReview(input: DialectInput, line: number | null, message: string): void {
  input.manifest.diagnostics.push(diagnostic("review", input.file, message, line));
}
