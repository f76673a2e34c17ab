import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { DhtlError } from "../core/errors.js";
import { type LockedRequirement, parseLockedRequirements } from "../formats/requirements.js";
import { readUvLock } from "../formats/uv-lock.js";
import { evaluateMarker } from "../pep/markers.js";
import { extraArgs } from "../run/install.js";
import { ensureUv, runUv } from "../run/uv.js";
import type { ExpectedPackages } from "./env-cache.js";

export type { ExpectedPackages };

import { markerEnvironment } from "../python/marker-env.js";
import type { VenvPython } from "../python/venv-info.js";

/** Keeps the requirements whose markers hold for `python` on this machine. */
export function selectForInterpreter(requirements: LockedRequirement[], python: VenvPython, file: string) {
  const env = markerEnvironment(python);
  const packages: Record<string, string | null> = {};
  for (const req of requirements) {
    let applies: boolean;
    try {
      applies = req.marker === null || evaluateMarker(req.marker, env);
    } catch (error) {
      // The shared parser throws Pep508Error; the user needs the lock file and line.
      throw new DhtlError(
        "badInput",
        `cannot read marker ${JSON.stringify(req.marker)}: ${(error as Error).message}`,
        {
          file,
          line: req.line,
        },
      );
    }
    if (applies) packages[req.name] = req.version;
  }
  return packages;
}

/** Names of the packages a uv.lock installs editable (`source = { editable = "…" }`). */
export function editablePackagesInUvLock(text: string): string[] {
  return readUvLock(text)
    .packages.filter((pkg) => pkg.source?.kind === "editable")
    .map((pkg) => pkg.normalized)
    .sort();
}

/**
 * Computes the expected set from the lock, plus the runtime locks (`.dhtl/node.lock`) dhtl installs after
 * it. For `uv.lock`, uv itself resolves the lock for every group
 * (`uv export`, no network with --frozen) and we evaluate the markers it writes for this interpreter.
 */
export async function computeExpectedPackages(
  root: string,
  lockFile: string,
  python: VenvPython,
  runtimeLocks: string[] = [],
  extras: string[] = [],
): Promise<ExpectedPackages> {
  const main = await expectedFromMainLock(root, lockFile, python, extras);
  for (const file of runtimeLocks) {
    const requirements = parseLockedRequirements(readFileSync(join(root, file), "utf8"), file);
    Object.assign(main.packages, selectForInterpreter(requirements, python, file));
  }
  return main;
}

async function expectedFromMainLock(
  root: string,
  lockFile: string,
  python: VenvPython,
  extras: string[],
): Promise<ExpectedPackages> {
  const lockPath = join(root, lockFile);
  if (!existsSync(lockPath)) {
    throw new DhtlError("badInput", `the lock file ${lockFile} recorded in .dhtconfig does not exist`, {
      file: ".dhtconfig",
      hint: "restore it from version control, or run `dhtl setup` to lock again",
    });
  }
  if (lockFile === "uv.lock" || lockFile.endsWith("/uv.lock")) {
    const uv = await ensureUv();
    const exported = await runUv(
      uv.path,
      [
        "export",
        "--frozen",
        "--format",
        "requirements-txt",
        "--all-groups",
        ...extraArgs(extras),
        "--no-hashes",
        "--no-emit-project",
        "--no-emit-workspace",
        "--no-header",
        "--no-annotate",
      ],
      { cwd: join(lockPath, ".."), env: { ...process.env, NO_COLOR: "1" } },
    );
    const requirements = parseLockedRequirements(exported.stdout, `${lockFile} (uv export)`);
    const editable = editablePackagesInUvLock(readFileSync(lockPath, "utf8"));
    return { packages: selectForInterpreter(requirements, python, lockFile), editable };
  }
  const packages: Record<string, string | null> = {};
  for (const file of requirementFiles(root, lockFile)) {
    const requirements = parseLockedRequirements(readFileSync(join(root, file), "utf8"), file);
    Object.assign(packages, selectForInterpreter(requirements, python, file));
  }
  return { packages, editable: [] };
}

/**
 * The lock and the files it pulls in with `-r`/`--requirement` (a user's hashed requirements often
 * split base and dev), each once, all inside the project.
 */
export function requirementFiles(root: string, lockFile: string): string[] {
  const files: string[] = [];
  const visit = (file: string, from: string | null, line: number) => {
    const normalized = posix.normalize(file);
    if (files.includes(normalized)) return;
    if (normalized.startsWith("../") || posix.isAbsolute(normalized) || !existsSync(join(root, normalized))) {
      throw new DhtlError("badInput", `cannot read ${file}: it must be a file inside the project`, {
        file: from ?? ".dhtconfig",
        line: from ? line : undefined,
      });
    }
    files.push(normalized);
    readFileSync(join(root, normalized), "utf8")
      .split(/\r?\n/)
      .forEach((text, index) => {
        const include = text.match(/^\s*(?:-r|--requirement)(?:\s+|=)(\S+)/);
        if (include) visit(posix.join(posix.dirname(normalized), include[1]!), normalized, index + 1);
      });
  };
  visit(lockFile, null, 0);
  return files;
}
