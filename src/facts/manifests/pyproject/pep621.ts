/**
 * PEP 621 `[project]`, PEP 735 `[dependency-groups]` and PEP 517/518 `[build-system]`.
 * Specs: https://packaging.python.org/en/latest/specifications/pyproject-toml/
 *        https://packaging.python.org/en/latest/specifications/dependency-groups/
 */
import { diagnostic } from "../../../core/diagnostics.js";
import { DhtlError } from "../../../core/errors.js";
import { isTable } from "../../../formats/toml-table.js";
import { normalizeName } from "../../../pep/names.js";
import type { Dependency } from "../types.js";
import {
  addToGroup,
  type DialectInput,
  dependencyFrom,
  describe,
  requirementList,
  stringOrNull,
} from "./values.js";

export function readProjectTable(input: DialectInput): boolean {
  const project = input.doc.project;
  if (project === undefined) return false;
  const { manifest, file, lines } = input;
  if (!isTable(project)) {
    manifest.diagnostics.push(diagnostic("error", file, "[project] must be a table", lines.key("project")));
    return false;
  }
  const at = (key: string) => lines.key(key, ["project"]);
  for (const field of ["name", "version"] as const) {
    const value = project[field];
    if (typeof value === "string") manifest[field] = { value, file };
    else if (value !== undefined) {
      manifest.diagnostics.push(
        diagnostic("error", file, `project.${field} must be a string, got ${describe(value)}`, at(field)),
      );
    }
  }
  if (Array.isArray(project.dynamic)) {
    manifest.dynamic = project.dynamic.filter((d): d is string => typeof d === "string").sort();
    // PEP 621: a field is either static or dynamic; build backends reject both.
    for (const field of manifest.dynamic) {
      if (field !== "name" && project[field] !== undefined) {
        manifest.diagnostics.push(
          diagnostic(
            "error",
            file,
            `project.${field} is set and also listed in project.dynamic`,
            at("dynamic"),
          ),
        );
      }
    }
  }
  manifest.dependencies.push(
    ...requirementList(project.dependencies, "project.dependencies", input, at("dependencies")),
  );

  const optional = project["optional-dependencies"];
  if (isTable(optional)) {
    const tableLine = lines.table(["project", "optional-dependencies"]) ?? at("optional-dependencies");
    for (const [extra, list] of Object.entries(optional)) {
      const line = lines.key(extra, ["project", "optional-dependencies"]) ?? tableLine;
      manifest.optionalDependencies[extra] = requirementList(
        list,
        `project.optional-dependencies.${extra}`,
        input,
        line,
      );
    }
  }

  const requiresPython = project["requires-python"];
  if (typeof requiresPython === "string") {
    manifest.python.push({
      source: "requires-python",
      file,
      line: at("requires-python"),
      value: requiresPython,
    });
  } else if (requiresPython !== undefined) {
    manifest.diagnostics.push(
      diagnostic(
        "error",
        file,
        `project.requires-python must be a string, got ${describe(requiresPython)}`,
        at("requires-python"),
      ),
    );
  }

  readScripts(project.scripts, "console_scripts", input);
  readScripts(project["gui-scripts"], "gui_scripts", input);
  const entryPoints = project["entry-points"];
  if (isTable(entryPoints)) input.details.entryPoints = entryPoints;
  return true;
}

function readScripts(value: unknown, group: string, input: DialectInput): void {
  if (!isTable(value)) return;
  for (const [script, target] of Object.entries(value)) {
    if (typeof target === "string") input.manifest.scripts[script] = target;
    else
      input.manifest.diagnostics.push(
        diagnostic("error", input.file, `${group} '${script}' must be a string`, input.lines.key(script)),
      );
  }
}

/** `[dependency-groups]` with every `{include-group = "x"}` replaced by x's requirements. */
export function readDependencyGroups(input: DialectInput): boolean {
  const groups = input.doc["dependency-groups"];
  if (groups === undefined) return false;
  const { file, lines } = input;
  if (!isTable(groups)) {
    throw new DhtlError("badInput", "[dependency-groups] must be a table", {
      file,
      line: lines.key("dependency-groups") ?? undefined,
    });
  }
  // PEP 735 compares group names normalised, like distribution names.
  const byNormal = new Map<string, string>();
  for (const name of Object.keys(groups)) byNormal.set(normalizeName(name), name);
  const resolved = new Map<string, Dependency[]>();

  const resolve = (name: string, stack: string[]): Dependency[] => {
    const done = resolved.get(name);
    if (done) return done;
    const header = ["dependency-groups"];
    if (stack.includes(name)) {
      throw new DhtlError(
        "badInput",
        `dependency group '${name}' includes itself (${[...stack, name].join(" → ")})`,
        {
          file,
          line: lines.key(name, header) ?? undefined,
          hint: "Remove one of the include-group entries that form the cycle.",
        },
      );
    }
    const entries = groups[name];
    const groupLine = lines.key(name, header);
    if (!Array.isArray(entries)) {
      input.manifest.diagnostics.push(
        diagnostic("error", file, `dependency group '${name}' must be an array`, groupLine),
      );
      return [];
    }
    const deps: Dependency[] = [];
    for (const entry of entries) {
      if (typeof entry === "string") {
        const dep = dependencyFrom(entry, input, lines.value(entry, groupLine ?? 1));
        if (dep) deps.push(dep);
      } else if (isTable(entry) && typeof entry["include-group"] === "string") {
        const target = byNormal.get(normalizeName(entry["include-group"]));
        if (!target) {
          throw new DhtlError(
            "badInput",
            `dependency group '${name}' includes unknown group '${entry["include-group"]}'`,
            {
              file,
              line: lines.value(entry["include-group"], groupLine ?? 1) ?? undefined,
            },
          );
        }
        deps.push(...resolve(target, [...stack, name]));
      } else {
        input.manifest.diagnostics.push(
          diagnostic(
            "error",
            file,
            `dependency group '${name}': unexpected entry ${describe(entry)}`,
            groupLine,
          ),
        );
      }
    }
    resolved.set(name, deps);
    return deps;
  };

  for (const name of Object.keys(groups))
    addToGroup(input.manifest.dependencyGroups, name, resolve(name, []));
  return true;
}

export function readBuildSystem(input: DialectInput): void {
  const build = input.doc["build-system"];
  if (!isTable(build)) return;
  const requires = Array.isArray(build.requires)
    ? build.requires.filter((r): r is string => typeof r === "string")
    : [];
  input.manifest.buildSystem = {
    backend: stringOrNull(build["build-backend"]),
    requires,
    file: input.file,
  };
  const backendPath = build["backend-path"];
  if (Array.isArray(backendPath)) {
    input.details.backendPath = backendPath;
    const folders = backendPath
      .filter((p): p is string => typeof p === "string")
      .map((p) => p.replace(/^(\.\/)+/, "").replace(/\/+$/, ""))
      .filter((p) => p !== "" && p !== ".");
    if (folders.length > 0) input.manifest.buildSystem.backendPath = folders;
  }
}
