/**
 * Carrying out what was decided about system packages: installing them (only with consent, waiting out a
 * package manager's lock held by another run), asking uv which locked distributions it would build from
 * source here, and explaining a build that failed for want of packages left missing.
 */
import { DhtlError } from "../core/errors.js";
import { runChecked } from "../core/exec.js";
import { which } from "../facts/machine.js";
import type { SystemPackageManager } from "../facts/system-deps/index.js";
import {
  formatCommand,
  type InstallOptions,
  installCommand,
  isRoot,
  missingPackages,
} from "../facts/system-packages/index.js";
import { normalizeName } from "../pep/names.js";
import { environmentPython } from "../python/venv-info.js";
import { type BuildTarget, uvEnvironment } from "./install.js";
import type { LockStrategy } from "./steps.js";

/** Packages this build needs that were left missing (no consent), kept to explain a later build failure. */
export interface SystemPackagesShortfall {
  manager: SystemPackageManager;
  missing: string[];
  /** Distributions uv will build from source, and the missing packages each one's build needs. */
  builds: { distribution: string; packages: string[] }[];
  commands: string[][];
}

export interface InstallRequest extends Partial<InstallOptions> {
  /** The user said yes (`--yes` or an interactive answer). Without it nothing runs. */
  consent: boolean;
  /** Called before each command with its argv, for progress output. */
  onCommand?: (argv: string[]) => void;
  onOutput?: (chunk: string) => void;
}

/**
 * Installs the missing ones among `names`, then checks they are there. Returns the commands it ran
 * (none when nothing was missing). Throws `refused` without consent, `toolFailed` when a command fails.
 */
export async function installPackages(
  manager: SystemPackageManager,
  names: string[],
  request: InstallRequest,
): Promise<{ installed: string[]; commands: string[][] }> {
  const missing = await missingPackages(manager, names);
  if (missing.length === 0) return { installed: [], commands: [] };
  const commands = installCommand(manager, missing, { root: request.root ?? isRoot() });
  if (!request.consent) {
    throw new DhtlError("refused", `system packages missing: ${missing.join(", ")}`, {
      hint: `re-run with --yes to let dhtl run: ${commands.map(formatCommand).join(" && ")}`,
    });
  }
  if (commands.some((argv) => argv[0] === "sudo") && !which("sudo")) {
    throw new DhtlError("toolFailed", "installing system packages needs root, and sudo is not installed", {
      hint: `run as root: ${commands.map((argv) => formatCommand(argv.slice(1))).join(" && ")}`,
    });
  }
  for (const argv of commands) {
    request.onCommand?.(argv);
    await runWaitingForLock(argv, request.onOutput);
  }
  const still = await missingPackages(manager, missing);
  if (still.length > 0) {
    throw new DhtlError("toolFailed", `${manager} finished but these are still missing: ${still.join(", ")}`);
  }
  return { installed: missing, commands };
}

/** Another apt/dnf run (unattended-upgrades at boot, a parallel setup) holds the lock: wait, then retry. */
const LOCK_HELD = /Could not get lock|Unable to lock|waiting for .*lock|Waiting for process with pid/i;
const LOCK_RETRIES = 30;
const LOCK_WAIT_MS = 5_000;

async function runWaitingForLock(argv: string[], onOutput?: (chunk: string) => void): Promise<void> {
  const [program, ...args] = argv;
  for (let attempt = 1; ; attempt++) {
    try {
      await runChecked(program!, args, { onStdout: onOutput, onStderr: onOutput });
      return;
    } catch (error) {
      if (!(error instanceof DhtlError) || !LOCK_HELD.test(error.message) || attempt >= LOCK_RETRIES)
        throw error;
      await new Promise((resolve) => setTimeout(resolve, LOCK_WAIT_MS));
    }
  }
}

/**
 * A failed install explained by the system packages left missing: the distribution, the packages and
 * the command. Any other error is returned as it is.
 */
export function explainWithShortfall(error: unknown, shortfall: SystemPackagesShortfall | null): unknown {
  if (!shortfall || shortfall.builds.length === 0) return error;
  if (!(error instanceof DhtlError) || error.code !== "toolFailed") return error;
  const text = error.message;
  // A download or hash failure is not a build failing for want of headers.
  if (!/build/i.test(text) || /^(network error|hash mismatch)/i.test(text)) return error;
  const named = shortfall.builds.filter((build) =>
    new RegExp(`(^|[^A-Za-z0-9_.-])${escapeRegExp(build.distribution)}([^A-Za-z0-9_.-]|$)`, "i").test(
      text.replace(/[-_.]+/g, "-"),
    ),
  );
  if (named.length === 0) return error;
  const culprits = named;
  const what = culprits
    .map((build) => `${build.distribution} (needs ${build.packages.join(", ")})`)
    .join(", ");
  const packages = [...new Set(culprits.flatMap((build) => build.packages))].sort();
  const command = installCommand(shortfall.manager, packages, { root: isRoot() })
    .map(formatCommand)
    .join(" && ");
  return new DhtlError(
    "toolFailed",
    `failed to build ${what}: missing ${shortfall.manager} packages ${packages.join(", ")}; install them with: ${command}`,
    { hint: "or re-run with --yes to let dhtl install them", cause: error },
  );
}

/**
 * The candidates among the lock's distributions that uv would build from source in this environment.
 * uv names one wheel-less distribution per failed dry run, so candidates are allowed to build one by one
 * until the dry run passes. Should uv fail for another reason, every remaining candidate counts (the
 * honest answer is "maybe").
 */
export async function distributionsBuiltFromSource(
  target: BuildTarget & { lock: LockStrategy },
  candidates: string[],
): Promise<string[]> {
  let remaining = [...new Set(candidates.map(normalizeName))].sort();
  const built: string[] = [];
  while (remaining.length > 0) {
    const failure = await dryRunWithoutBuilding(target, remaining);
    if (failure === null) break;
    const named = new Set(wheelLessDistributions(failure));
    const found = remaining.filter((name) => named.has(name));
    if (found.length === 0) {
      built.push(...remaining);
      break;
    }
    built.push(...found);
    remaining = remaining.filter((name) => !named.has(name));
  }
  return built.sort();
}

/** Normalised names uv's message says have no usable wheel while building them is disabled. */
export function wheelLessDistributions(message: string): string[] {
  const patterns = [
    /Wheels are required for `([^`]+)`/g,
    /Because (\S+?)(?:==\S+)? has no usable wheels/g,
    /Distribution `([^`\s=@]+)[^`]*` can't be installed because it is marked as `--no-build`/g,
  ];
  const names = new Set<string>();
  for (const pattern of patterns) {
    for (const match of message.matchAll(pattern)) names.add(normalizeName(match[1]!));
  }
  return [...names].sort();
}

/** The stderr of a dry run that may not build `noBuild`; null when it passes. */
async function dryRunWithoutBuilding(
  target: BuildTarget & { lock: LockStrategy },
  noBuild: string[],
): Promise<string | null> {
  const python = environmentPython(target.envPath);
  const args =
    target.lock.kind === "uv"
      ? [
          "sync",
          "--dry-run",
          "--frozen",
          "--all-groups",
          "--python",
          python,
          ...noBuild.flatMap((name) => ["--no-build-package", name]),
        ]
      : [
          "pip",
          "sync",
          "--dry-run",
          "--require-hashes",
          "--python",
          python,
          ...noBuild.flatMap((name) => ["--only-binary", name]),
          target.lock.file,
        ];
  const env =
    target.lock.kind === "uv" ? uvEnvironment({ UV_PROJECT_ENVIRONMENT: target.envPath }) : uvEnvironment();
  try {
    await target.uv(args, { cwd: target.root, env });
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
