/**
 * The operating-system package managers dhtl drives: which one this machine has, which packages are
 * missing, and the exact commands that would install them (sudo only when not root). Running those
 * commands is src/run/system-packages.ts. Every name is checked against the manager's naming rules before
 * it reaches a process, and processes get argv arrays, never a shell.
 */
import { DhtlError } from "../../core/errors.js";
import { run } from "../../core/exec.js";
import { which } from "../machine.js";
import { isValidSystemPackageName, type SystemPackageManager } from "../system-deps/index.js";
import { apk } from "./apk.js";
import { apt } from "./apt.js";
import { brew } from "./brew.js";
import { dnf, yum } from "./dnf.js";
import { pacman } from "./pacman.js";
import type { InstallOptions, SystemPackageAdapter } from "./types.js";
import { zypper } from "./zypper.js";

export type { InstallOptions, SystemPackageAdapter } from "./types.js";

export const ADAPTERS: Record<SystemPackageManager, SystemPackageAdapter> = {
  apt,
  dnf,
  yum,
  zypper,
  pacman,
  apk,
  brew,
};

/** Linux managers in the order they are tried; a Debian with Homebrew installed is still apt's. */
const LINUX_ORDER: SystemPackageManager[] = ["apt", "dnf", "yum", "zypper", "pacman", "apk", "brew"];

/** The machine's system package manager: brew on macOS, the distribution's own on Linux; null when none. */
export function detectSystemPackageManager(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): SystemPackageManager | null {
  const order: SystemPackageManager[] =
    platform === "darwin" ? ["brew"] : platform === "linux" ? LINUX_ORDER : [];
  return order.find((manager) => ADAPTERS[manager].programs.every((program) => which(program, env))) ?? null;
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The names among `names` that are not installed, sorted and without duplicates. */
export async function missingPackages(manager: SystemPackageManager, names: string[]): Promise<string[]> {
  const wanted = checkedNames(manager, names);
  if (wanted.length === 0) return [];
  const adapter = ADAPTERS[manager];
  const [program, ...args] = adapter.queryCommand(wanted);
  // These queries exit non-zero whenever something is missing: the output, not the status, answers.
  const result = await run(program!, args, { timeoutMs: 60_000, env: { ...process.env, LC_ALL: "C" } });
  if (result.notFound || result.timedOut) {
    throw new DhtlError("toolFailed", `${program} could not be run to list installed packages`, {
      hint: result.notFound ? `is ${manager} really this machine's package manager?` : "retry",
    });
  }
  const installed = adapter.installedFrom(result.stdout, wanted);
  return wanted.filter((name) => !installed.has(name));
}

/**
 * The commands that install `names`, in order, as argv arrays — what `--dry-run` prints and what
 * `installPackages` runs. `sudo` is prepended only when not root (and never for Homebrew).
 */
export function installCommand(
  manager: SystemPackageManager,
  names: string[],
  options: InstallOptions,
): string[][] {
  const wanted = checkedNames(manager, names);
  if (wanted.length === 0) return [];
  const adapter = ADAPTERS[manager];
  const sudo = !options.root && !adapter.neverSudo;
  return adapter.installCommands(wanted).map((argv) => (sudo ? ["sudo", ...argv] : argv));
}

/** An argv as a person would type it: arguments with shell-special characters single-quoted. */
export function formatCommand(argv: string[]): string {
  return argv
    .map((arg) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`))
    .join(" ");
}

function checkedNames(manager: SystemPackageManager, names: string[]): string[] {
  if (!Object.hasOwn(ADAPTERS, manager)) {
    throw new DhtlError("badInput", `unknown system package manager: ${manager}`);
  }
  const invalid = names.filter((name) => !isValidSystemPackageName(manager, name));
  if (invalid.length > 0) {
    throw new DhtlError(
      "badInput",
      `not a valid ${manager} package name: ${invalid.map((n) => JSON.stringify(n)).join(", ")}`,
      {
        hint: "system package names come from the project's dependencies or .dhtconfig; check them there",
      },
    );
  }
  return [...new Set(names)].sort();
}
