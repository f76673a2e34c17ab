/**
 * Requirement lines that name something on this disk rather than on an index: `./localpkg`, `-e ./lib`
 * (requirements files, Pipfile paths) and `file://`/`git+file://` URLs. They are never dropped:
 *
 * - a directory inside the project is installed (editable, from `.dhtl/requirements.in`), and expected by
 *   validate-env;
 * - anything else is refused with the file and line: a path that leaves the project or does not exist, a
 *   local archive (it cannot be locked with a hash), and a `file:` URL (an absolute path on one machine:
 *   the lock would not work anywhere else).
 */
import { realpathSync, statSync } from "node:fs";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import { DhtlError } from "../core/errors.js";
import type { ProjectModel } from "./types.js";

/** A local directory requirement, as a root-relative `./path`. */
export interface LocalRequirement {
  path: string;
  file: string;
  line: number | null;
}

const FILE_URL = /^(?:[a-z]+\+)?file:/i;
const ARCHIVE = /\.(whl|tar\.gz|tgz|tar\.bz2|tar\.xz|zip)$/i;

/** Every local requirement of the project, checked against the disk; throws (badInput) for one it refuses. */
export function localRequirements(root: string, project: ProjectModel): LocalRequirement[] {
  refuseFileUrls(project);
  const realRoot = realpathSync(root);
  const found = new Map<string, LocalRequirement>();
  for (const local of declaredLocalPaths(project)) {
    const where = { file: local.file, line: local.line ?? undefined };
    const written = local.path.replace(/\\/g, "/");
    if (ARCHIVE.test(written)) {
      throw new DhtlError(
        "badInput",
        `local archive ${written}: a file on this disk cannot be locked with a hash`,
        {
          ...where,
          hint: "publish it to an index, or point to its source directory inside the project instead",
        },
      );
    }
    const absolute = isAbsolute(written) ? written : join(root, written);
    let real: string;
    try {
      real = realpathSync(absolute);
      if (!statSync(real).isDirectory()) throw new Error("not a directory");
    } catch {
      throw new DhtlError("badInput", `local path ${written} does not exist (or is not a directory)`, {
        ...where,
        hint: "create it, or remove the line",
      });
    }
    const rel = relative(realRoot, real);
    if (rel === "" || rel.startsWith("..") || isAbsolute(rel)) {
      throw new DhtlError(
        "badInput",
        `local path ${written} leaves the project: dhtl installs only what is inside it`,
        {
          ...where,
          hint: "move (or vendor) the package into the project, or install it from an index",
        },
      );
    }
    const path = `./${rel.split(sep).join("/")}`;
    if (!found.has(path)) found.set(path, { path, file: local.file, line: local.line });
  }
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The local paths the manifests declare, as written (pure: no disk), `.`/`-e .` (the project itself) aside. */
export function declaredLocalPaths(
  project: ProjectModel,
): { path: string; file: string; line: number | null }[] {
  return project.manifests.flatMap((manifest) => [
    ...(manifest.details.pip?.localPaths ?? []),
    ...(manifest.details.pipfile?.localPaths ?? []),
  ]);
}

/** The `-e ./path` line `.dhtl/requirements.in` holds for a declared local path (root-relative, as uv reads it). */
export function localRequirementLine(path: string): string {
  const clean = posix.normalize(path.replace(/\\/g, "/")).replace(/\/+$/, "");
  return `-e ${clean.startsWith(".") || clean.startsWith("/") ? clean : `./${clean}`}`;
}

function refuseFileUrls(project: ProjectModel): void {
  const all = project.manifests.flatMap((manifest) => [
    ...manifest.dependencies,
    ...Object.values(manifest.dependencyGroups).flat(),
    ...Object.values(manifest.optionalDependencies).flat(),
  ]);
  for (const dependency of all) {
    const url = /@\s*(\S+)/.exec(dependency.requirement.split(";")[0]!)?.[1];
    if (!url || !FILE_URL.test(url)) continue;
    throw new DhtlError(
      "badInput",
      `${dependency.requirement.split(/\s*@/)[0]} @ ${url}: a file: URL names a path on this machine only, so the lock would not work anywhere else`,
      {
        file: dependency.file,
        line: dependency.line ?? undefined,
        hint: "use a relative path inside the project (`-e ./vendor/pkg`), or a URL others can reach",
      },
    );
  }
}
