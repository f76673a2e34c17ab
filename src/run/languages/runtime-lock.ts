import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { DhtlError } from "../../core/errors.js";
import {
  checkedProjectPath,
  copyProjectFile,
  makeProjectDir,
  removeProjectPath,
  writeProjectFile,
} from "../../core/safe-path.js";
import type { RuntimeWheel } from "../../facts/languages/runtimes.js";
import { type BuildTarget, pipInstallNoDeps, universalCompileArgs, uvEnvironment } from "../install.js";

/**
 * Compiles the runtime's requirement into its dhtl-owned hashed lock (`uv pip compile --universal
 * --generate-hashes`). The previous lock is the starting point, so a re-run keeps the pinned version while
 * it still satisfies the request; the lock is replaced only when uv succeeded.
 */
export async function compileRuntimeLock(
  target: Pick<BuildTarget, "root" | "uv">,
  runtime: RuntimeWheel,
  requirement: string,
  python: { version: string; path: string },
  requestedIn: string | null = null,
): Promise<string> {
  const outPath = checkedProjectPath(target.root, runtime.lockFile);
  makeProjectDir(target.root, dirname(runtime.lockFile));
  const staged = `${runtime.lockFile}.new`;
  const input = `${runtime.lockFile}.in.tmp`;
  // uv writes the staged file itself: checked (and cleared) first, never a committed link.
  removeProjectPath(target.root, staged);
  if (existsSync(outPath)) copyProjectFile(target.root, runtime.lockFile, staged);
  const stagedPath = checkedProjectPath(target.root, staged);
  try {
    writeProjectFile(target.root, input, `${requirement}\n`);
    await compile(target, staged, input, python).catch((error: unknown) => {
      throw noWheelFits(error, runtime, requirement, requestedIn);
    });
    const header =
      `# ${runtime.language} for this project's environment, compiled by dhtl from ${JSON.stringify(requirement)}\n` +
      "# with uv pip compile --universal --generate-hashes; do not edit.\n";
    writeProjectFile(target.root, runtime.lockFile, header + readFileSync(stagedPath, "utf8"));
  } finally {
    removeProjectPath(target.root, staged);
    removeProjectPath(target.root, input);
  }
  const version = lockedVersion(readFileSync(outPath, "utf8"), runtime);
  if (!version) throw new DhtlError("internal", `${runtime.lockFile} pins no ${runtime.distribution}`);
  return version;
}

function compile(
  target: Pick<BuildTarget, "root" | "uv">,
  output: string,
  input: string,
  python: { version: string; path: string },
): Promise<unknown> {
  return target.uv(universalCompileArgs(python, output, ["--no-annotate", input]), {
    cwd: target.root,
    env: uvEnvironment(),
  });
}

/** uv's "no solution" for a runtime means the requested version has no wheel: say so where it was asked. */
function noWheelFits(
  error: unknown,
  runtime: RuntimeWheel,
  requirement: string,
  requestedIn: string | null,
): unknown {
  if (!(error instanceof DhtlError) || !/no solution|unsatisfiable/i.test(error.message)) return error;
  const because = error.message.match(/Because only [^\n]*?is available/)?.[0];
  return new DhtlError(
    "badInput",
    `no ${runtime.distribution} wheel on PyPI satisfies ${requirement}${because ? ` (${because.replace(/^Because /, "")})` : ""}`,
    {
      file: requestedIn ?? undefined,
      hint: `ask for a ${runtime.language} version PyPI's ${runtime.distribution} provides${requestedIn ? ` in ${requestedIn}` : ""}, then run setup again`,
      cause: error,
    },
  );
}

/** The version a runtime lock pins, or null when it pins none. */
export function lockedVersion(text: string, runtime: RuntimeWheel): string | null {
  const escaped = runtime.distribution.replace(/[-_.]/g, "[-_.]");
  const match = text.match(new RegExp(`^${escaped}==(\\S+)`, "im"));
  return match?.[1] ?? null;
}

/**
 * Installs exactly the runtime lock into the environment, hashes required. Run after the main lock's
 * exact sync, which would otherwise remove it.
 */
export async function installRuntimeLock(target: BuildTarget, runtime: RuntimeWheel): Promise<string> {
  const lockPath = join(target.root, runtime.lockFile);
  if (!existsSync(lockPath)) {
    throw new DhtlError("badInput", `${runtime.lockFile} is missing`, {
      file: runtime.lockFile,
      hint: "restore it from version control, or run `dhtl setup` to lock the runtime again",
    });
  }
  await pipInstallNoDeps(target, ["--require-hashes", "-r", runtime.lockFile]);
  return lockedVersion(readFileSync(lockPath, "utf8"), runtime) ?? "?";
}
