import { existsSync, readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { parse as parseToml } from "smol-toml";
import { DhtlError } from "../core/errors.js";
import { extraArgs } from "../run/install.js";
import { ensureUv, runUv } from "../run/uv.js";
import { isolatedUvEnvironment } from "../run/uv-environment.js";
import { evaluateMarker } from "../standards/markers.js";
import { isValidDistributionName, normalizeName } from "../standards/names.js";
import type { ExpectedPackages } from "./env-cache.js";

export type { ExpectedPackages };

import { markerEnvironment } from "./marker-env.js";
import type { VenvPython } from "./venv-info.js";

export interface LockedRequirement {
  name: string;
  version: string | null;
  marker: string | null;
  line: number;
}

/**
 * Reads `name==version ; marker` requirements as `uv export` and `uv pip compile --generate-hashes`
 * write them: continuation lines, `--hash` options, `# via` comments. `-e`, `-r` and index options are
 * skipped (editable installs are known from elsewhere).
 */
export function parseLockedRequirements(text: string, file: string): LockedRequirement[] {
  const result: LockedRequirement[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const startLine = i + 1;
    let logical = stripComment(lines[i]!);
    while (logical.endsWith("\\") && i + 1 < lines.length) {
      logical = `${logical.slice(0, -1)} ${stripComment(lines[++i]!)}`;
    }
    logical = logical.replace(/\s--hash[=\s]\S+/g, " ").trim();
    if (!logical || logical.startsWith("-")) continue;
    const semicolon = logical.search(/\s*;/);
    const requirement = (semicolon >= 0 ? logical.slice(0, semicolon) : logical).trim();
    const marker = semicolon >= 0 ? logical.slice(logical.indexOf(";", semicolon) + 1).trim() || null : null;
    const match = requirement.match(/^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$/);
    if (!match || !isValidDistributionName(match[1]!)) {
      throw new DhtlError("badInput", `not a requirement: ${JSON.stringify(requirement)}`, {
        file,
        line: startLine,
        hint: "a lock lists `name==version` or `name @ url` lines; regenerate it with `dhtl setup`",
      });
    }
    const pin = match[3]!.match(/^(?:===?\s*([^\s,*]+)|@\s*(\S+))$/);
    if (!pin) {
      throw new DhtlError("badInput", `${match[1]} is not pinned to one version (${requirement})`, {
        file,
        line: startLine,
        hint: "a lock pins every package with `==`; regenerate it with `dhtl setup`",
      });
    }
    result.push({ name: normalizeName(match[1]!), version: pin[1] ?? null, marker, line: startLine });
  }
  return result;
}

function stripComment(line: string): string {
  const hash = line.search(/(^|\s)#/);
  return (hash >= 0 ? line.slice(0, hash) : line).trimEnd();
}

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
  let parsed: Record<string, unknown>;
  try {
    parsed = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    throw new DhtlError("badInput", `uv.lock is not valid TOML: ${(error as Error).message.split("\n")[0]}`, {
      file: "uv.lock",
    });
  }
  const packages = Array.isArray(parsed.package) ? (parsed.package as Record<string, unknown>[]) : [];
  const names: string[] = [];
  for (const pkg of packages) {
    const source = pkg.source as Record<string, unknown> | undefined;
    if (typeof pkg.name === "string" && source && typeof source.editable === "string")
      names.push(normalizeName(pkg.name));
  }
  return names.sort();
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
      { cwd: join(lockPath, ".."), env: isolatedUvEnvironment({ NO_COLOR: "1" }) },
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
