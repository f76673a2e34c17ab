/**
 * `dhtl add` and `dhtl remove`: edit the manifest that holds the project's dependencies in its own dialect
 * (plan/manifest-target.ts, plan/manifest-edit.ts), then lock, build and record exactly as setup does — in
 * one transaction: a resolve or build that fails leaves the manifest, the lock, `.dhtconfig` and `.venv`
 * as they were (workflows/transaction.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { DhtlError } from "../core/errors.js";
import { readTextFileSync } from "../core/fs.js";
import { writeProjectFile } from "../core/safe-path.js";
import { collectProject } from "../facts/collect.js";
import { findProjectRoot } from "../facts/root.js";
import type { ProjectFacts } from "../facts/types.js";
import { isValidDistributionName, normalizeName } from "../pep/names.js";
import { Pep508Error, parseRequirement, type Requirement } from "../pep/pep508.js";
import { addToManifest, removeFromManifest } from "../plan/manifest-edit.js";
import { chooseManifestTarget, type ManifestTarget } from "../plan/manifest-target.js";
import { layoutOf } from "./manifest-layout.js";
import { refuseBrokenManifests } from "./project.js";
import { type BuildOutcome, type BuildUi, setupProject } from "./setup.js";

export interface ManifestChangeOptions {
  path: string;
  action: "add" | "remove";
  /** `add`: PEP 508 requirements; `remove`: distribution names. */
  packages: string[];
  /** A dependency group (`dev`); null for the main dependencies. */
  group: string | null;
  dryRun: boolean;
}

export interface ManifestChange {
  action: "add" | "remove";
  group: string | null;
  /** The manifest and the list in it (`pyproject.toml [dependency-groups] dev`). */
  target: { file: string; label: string };
  /** The requirements written (add) or the entries removed (remove), as they read in the file. */
  entries: string[];
  path: string;
  /** Null when the file is created. */
  before: string | null;
  after: string;
}

export interface ManifestChangeOutcome {
  change: ManifestChange;
  /** The build that locked, installed and recorded it; null on a dry run or when nothing changed. */
  build: BuildOutcome | null;
}

export async function changeManifest(
  options: ManifestChangeOptions,
  ui: BuildUi,
): Promise<ManifestChangeOutcome> {
  if (options.packages.length === 0)
    throw new DhtlError("badInput", `nothing to ${options.action}: name at least one package`);
  const root = findProjectRoot(options.path);
  const change = planChange(collectProject(root), options);
  if (options.dryRun || change.after === change.before) return { change, build: null };
  const build = await setupProject(
    {
      path: root,
      allExtras: false,
      dryRun: false,
      edit: (envRoot, backup) => {
        // Planned before the project lock was taken: the file must still be what the plan was made from.
        const now = existsSync(join(root, change.path))
          ? readFileSync(join(root, change.path), "utf8")
          : null;
        if (now !== change.before) {
          throw new DhtlError(
            "refused",
            `${change.path} changed while dhtl was planning; nothing was written`,
            {
              file: change.path,
              hint: `run \`dhtl ${options.action}\` again`,
            },
          );
        }
        // A uv workspace member's environment (and the journal) is the workspace's; the manifest is the member's.
        backup.remember(relative(envRoot, join(root, change.path)).split(sep).join("/"));
        writeProjectFile(root, change.path, change.after);
        confirmSeen(root, change, options);
      },
    },
    ui,
  );
  return { change, build };
}

/** The new text of the target manifest, from the project as it is now. */
export function planChange(facts: ProjectFacts, options: ManifestChangeOptions): ManifestChange {
  // A group name becomes a TOML key or part of a file name (`requirements-<group>.txt`): PEP 735's names only.
  if (options.group !== null && !isValidDistributionName(options.group)) {
    throw new DhtlError("badInput", `not a dependency group name: ${JSON.stringify(options.group)}`, {
      hint: "a group is named like a package: letters, digits, and . _ - inside (dev, test, docs)",
    });
  }
  refuseBrokenManifests(facts.diagnostics);
  const target = chooseManifestTarget(layoutOf(facts), options.group);
  const path = join(facts.root, target.file);
  const before = existsSync(path) ? readTextFileSync(path, target.file) : null;
  if (before === null && options.action === "remove") throw notDeclared(options.packages[0]!, target, facts);
  let after = before;
  const entries: string[] = [];
  if (options.action === "add") {
    for (const requirement of options.packages.map(parseArgument)) {
      after = addToManifest(after, target, requirement);
      entries.push(requirementText(requirement));
    }
  } else {
    for (const name of options.packages) {
      if (!isValidDistributionName(name))
        throw new DhtlError("badInput", `not a distribution name: ${JSON.stringify(name)}`);
      const result = removeFromManifest(after ?? "", target, name);
      if (result.removed.length === 0) throw notDeclared(name, target, facts);
      after = result.text;
      entries.push(...result.removed);
    }
  }
  return {
    action: options.action,
    group: options.group === null ? null : normalizeName(options.group),
    target: { file: target.file, label: target.label },
    entries,
    path: target.file,
    before,
    after: after ?? "",
  };
}

/** A PEP 508 requirement from the command line; direct URLs are left to hand edits. */
function parseArgument(text: string): Requirement {
  let requirement: Requirement;
  try {
    requirement = parseRequirement(text.trim());
  } catch (error) {
    if (!(error instanceof Pep508Error)) throw error;
    throw new DhtlError("badInput", `not a requirement: ${JSON.stringify(text)} (${error.message})`, {
      hint: "write it as PEP 508: `name`, `name>=1.2`, `name[extra]~=2.0`, `name; sys_platform == 'linux'`",
    });
  }
  if (requirement.url !== null) {
    throw new DhtlError(
      "badInput",
      `${requirement.name}: a direct URL requirement is not added by dhtl add`,
      {
        hint: "add it to the manifest by hand, then run `dhtl setup`",
      },
    );
  }
  return requirement;
}

function requirementText(requirement: Requirement): string {
  const extras = requirement.extras.length > 0 ? `[${requirement.extras.join(",")}]` : "";
  const marker = requirement.marker ? `; ${requirement.marker}` : "";
  return `${requirement.name}${extras}${requirement.specifier}${marker}`;
}

function notDeclared(name: string, target: ManifestTarget, facts: ProjectFacts): DhtlError {
  const wanted = normalizeName(name);
  const named = (list: string[]) => list.some((requirement) => nameOf(requirement) === wanted);
  const elsewhere = [
    ...(named(facts.project.dependencies) ? ["the main dependencies"] : []),
    ...Object.entries(facts.project.dependencyGroups)
      .filter(([, list]) => named(list))
      .map(([group]) => `group ${group} (--group ${group})`),
    ...Object.entries(facts.project.optionalDependencies)
      .filter(([, list]) => named(list))
      .map(([extra]) => `extra ${extra}`),
  ];
  return new DhtlError("badInput", `${name} is not in ${target.label}`, {
    file: target.file,
    hint: elsewhere.length > 0 ? `it is declared in ${elsewhere.join(", ")}` : "nothing to remove",
  });
}

/** After the edit, the manifest's reader must see it: else the lock would silently not change. */
function confirmSeen(root: string, change: ManifestChange, options: ManifestChangeOptions): void {
  const manifest = collectProject(root).project.manifests.find((found) => found.file === change.path);
  const list =
    options.group === null
      ? (manifest?.dependencies ?? [])
      : (manifest?.dependencyGroups[normalizeName(options.group)] ?? []);
  const names = new Set(list.map((dependency) => nameOf(dependency.requirement)));
  const wrong = options.packages.map(nameOf).filter((name) => names.has(name) !== (options.action === "add"));
  if (wrong.length > 0) {
    throw new DhtlError(
      "internal",
      `${change.target.label} was edited, but its reader ${options.action === "add" ? "does not see" : "still sees"} ${wrong.join(", ")}`,
      { file: change.path, hint: "nothing was changed; please report this with the manifest attached" },
    );
  }
}

function nameOf(requirement: string): string {
  return normalizeName(/^\s*([A-Za-z0-9._-]+)/.exec(requirement)?.[1] ?? requirement);
}
