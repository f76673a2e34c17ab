/**
 * The lock of a uv project's groups that uv does not read (plan/uv-groups.ts), compiled and installed.
 *
 * Compiling: uv.lock is exported for the installed groups and extras (`uv export --frozen`: no network) and
 * its pins constrain a universal, hashed `uv pip compile` of `.dhtl/uv-groups.in`. A requirement naming a
 * package uv.lock installs is left to uv.lock (its version wins; a requirement it does not satisfy is named
 * in a note), and packages uv.lock takes from a URL, a path or the workspace never enter the dhtl lock, so
 * uv.lock alone decides them. Installing: after the exact `uv sync`, `uv pip install --require-hashes
 * --no-deps` of exactly that lock, so each package is installed once, from one lock.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DhtlError } from "../core/errors.js";
import {
  checkedProjectPath,
  copyProjectFile,
  removeProjectPath,
  writeProjectFile,
} from "../core/safe-path.js";
import { logicalLines, parseLockedRequirements } from "../formats/requirements.js";
import { readUvLock } from "../formats/uv-lock.js";
import { normalizeName } from "../pep/names.js";
import { specifierAllows } from "../pep/pep440.js";
import { tryParseRequirement } from "../pep/pep508.js";
import {
  type BuildTarget,
  installLocalPaths,
  pipInstallNoDeps,
  splitLocalPaths,
  universalCompileArgs,
  uvLockExportArgs,
} from "./install.js";
import { isolatedUvEnvironment } from "./uv-environment.js";

/** What uv.lock installs, as far as the groups lock must know. */
interface UvLockCoverage {
  /** `name==version ; marker` lines for the constraints file. */
  pins: string[];
  /** Normalised name → the versions uv.lock pins for it (several across forks). */
  versions: Map<string, string[]>;
  /** Names uv.lock installs from somewhere else than an index (URL, path, workspace, the project itself). */
  elsewhere: Set<string>;
}

export interface GroupsCompileResult {
  /** Requirements left to uv.lock although it pins a version they do not allow (for a note). */
  overruled: string[];
  /** Packages in the written lock. */
  packages: number;
}

/** Compiles `input` into `output` against uv.lock (see the module comment). */
export async function compileUvGroupsLock(
  target: Pick<BuildTarget, "root" | "uv">,
  input: string,
  output: string,
  python: { version: string; path: string },
  extras: string[],
): Promise<GroupsCompileResult> {
  const coverage = await uvLockCoverage(target, extras);
  const { text, overruled, requirements } = leftToCompile(
    readFileSync(checkedProjectPath(target.root, input), "utf8"),
    coverage,
  );
  const header = `# Compiled by dhtl from ${input}, constrained by uv.lock (uv pip compile --universal --generate-hashes); do not edit.\n`;
  if (requirements === 0) {
    // Everything the groups ask for is uv.lock's already: an empty lock still records that it was checked.
    writeProjectFile(target.root, output, `${header}# Every requirement is installed from uv.lock.\n`);
    return { overruled, packages: 0 };
  }
  const scratch = mkdtempSync(join(tmpdir(), "dhtl-uv-groups-"));
  const staged = `${output}.new`;
  try {
    const filteredInput = join(scratch, "groups.in");
    const constraints = join(scratch, "uv-lock-constraints.txt");
    writeFileSync(filteredInput, text);
    writeFileSync(constraints, `${coverage.pins.join("\n")}\n`);
    removeProjectPath(target.root, staged);
    // The previous lock is the starting point: uv keeps its pins where they still fit.
    if (existsSync(checkedProjectPath(target.root, output))) copyProjectFile(target.root, output, staged);
    checkedProjectPath(target.root, staged);
    await target
      .uv(
        // Annotations would name the scratch files: the committed lock must not depend on them.
        universalCompileArgs(python, staged, ["--no-annotate", "--constraint", constraints, filteredInput]),
        { cwd: target.root, env: isolatedUvEnvironment() },
      )
      .catch((error: unknown) => {
        throw new DhtlError(
          "toolFailed",
          `cannot lock the dependency groups uv does not read (${input}) with uv.lock's versions`,
          {
            file: input,
            hint: "a requirement in those groups conflicts with uv.lock; see the cause above (`--debug`)",
            cause: error,
          },
        );
      });
    const body = withoutPackages(
      readFileSync(checkedProjectPath(target.root, staged), "utf8"),
      coverage.elsewhere,
    );
    writeProjectFile(target.root, output, header + body);
    return { overruled, packages: parseLockedRequirements(body, output).length };
  } finally {
    removeProjectPath(target.root, staged);
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Installs the groups lock into the environment `uv sync` has filled (nothing when it pins nothing). */
export async function installUvGroupsLock(
  target: BuildTarget,
  lockFile: string,
  reinstall: string[],
): Promise<number> {
  const { hashed, localPaths } = splitLocalPaths(
    readFileSync(checkedProjectPath(target.root, lockFile), "utf8"),
  );
  const names = new Set(parseLockedRequirements(hashed, lockFile).map((req) => req.name));
  if (names.size === 0 && localPaths.length === 0) return 0;
  if (names.size > 0) {
    const scratch = mkdtempSync(join(tmpdir(), "dhtl-uv-groups-"));
    try {
      // The lock without its `-e ./path` lines, which carry no hash.
      const file = join(scratch, "groups.lock");
      writeFileSync(file, hashed);
      const reinstallArgs = reinstall
        .filter((name) => names.has(normalizeName(name)))
        .flatMap((name) => ["--reinstall-package", name]);
      await pipInstallNoDeps(target, ["--require-hashes", ...reinstallArgs, "-r", file]);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  await installLocalPaths(target, localPaths);
  return names.size + localPaths.length;
}

/** uv.lock exported for every group and the extras (`--frozen`: read as it is, no resolution). */
async function uvLockCoverage(
  target: Pick<BuildTarget, "root" | "uv">,
  extras: string[],
): Promise<UvLockCoverage> {
  const exported = await target.uv(uvLockExportArgs(extras), {
    cwd: target.root,
    env: isolatedUvEnvironment({ NO_COLOR: "1" }),
  });
  const pins: string[] = [];
  const versions = new Map<string, string[]>();
  const elsewhere = new Set<string>();
  for (const req of parseLockedRequirements(exported.stdout, "uv.lock (uv export)")) {
    if (req.version === null) {
      elsewhere.add(req.name);
      continue;
    }
    pins.push(`${req.name}==${req.version}${req.marker ? ` ; ${req.marker}` : ""}`);
    versions.set(req.name, [...(versions.get(req.name) ?? []), req.version]);
  }
  const lock = readUvLock(readFileSync(checkedProjectPath(target.root, "uv.lock"), "utf8"));
  for (const pkg of lock.packages) {
    if (pkg.source && pkg.source.kind !== "registry") elsewhere.add(pkg.normalized);
  }
  return { pins, versions, elsewhere };
}

/** The input without the requirements uv.lock decides; counts what is left. */
function leftToCompile(
  input: string,
  coverage: UvLockCoverage,
): { text: string; overruled: string[]; requirements: number } {
  const kept: string[] = [];
  const overruled: string[] = [];
  let requirements = 0;
  for (const { text } of logicalLines(input)) {
    if (text.startsWith("-")) {
      kept.push(text);
      if (text.startsWith("-e ")) requirements++;
      continue;
    }
    const requirement = tryParseRequirement(text);
    const name = requirement ? normalizeName(requirement.name) : null;
    const locked = name ? coverage.versions.get(name) : undefined;
    if (name && (locked || coverage.elsewhere.has(name))) {
      const spec = requirement?.specifier ?? "";
      if (locked && spec && !locked.some((version) => specifierAllows(spec, version, { prereleases: true })))
        overruled.push(`\`${text}\` (uv.lock pins ${name} ${locked.join(", ")})`);
      continue;
    }
    kept.push(text);
    requirements++;
  }
  return { text: `${kept.join("\n")}\n`, overruled, requirements };
}

/** A hashed lock without the entries (a line and its indented continuations) of `names`. */
function withoutPackages(lock: string, names: Set<string>): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of lock.split("\n")) {
    if (!/^\s/.test(line)) {
      const name = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line)?.[1];
      skipping = name !== undefined && names.has(normalizeName(name));
    }
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}
