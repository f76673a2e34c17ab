import { readFileSync, rmSync, utimesSync } from "node:fs";
import { dirname, join } from "node:path";
import { writeFileAtomic } from "../core/fs.js";

/**
 * Left in the environment by a passing `validate-env --quick`: the paths whose change could change that
 * verdict, one per line. The activation scripts (src/run/hooks/activation.ts) skip calling dhtl while none of
 * them is newer than the stamp (`test -nt`), which turns the ~70 ms check into a few file stats.
 *
 * The stamp's mtime is set to two seconds before the check began: a change made during the check, or in
 * the same second on a file system (or shell) with one-second timestamps, still counts as newer. Created
 * or deleted files change their directory's mtime, so directories are watched too.
 */
export const QUICK_STAMP_FILE = ".dhtl-quick-stamp";

/** Last line of a complete stamp. */
export const QUICK_STAMP_END = "#end";

const MARGIN_MS = 2000;

export interface QuickStampInputs {
  root: string;
  venv: string;
  /** Lock files the verdict read (absolute), present or not. */
  lockFiles: string[];
  sitePackages: string[];
  startedAtMs: number;
}

/** Best effort: without a stamp the hook just runs the check. */
export function writeQuickStamp(inputs: QuickStampInputs): void {
  const { root, venv } = inputs;
  const watched = new Set<string>([
    root,
    join(root, ".dhtconfig"),
    join(root, ".python-version"),
    join(venv, "pyvenv.cfg"),
    ...inputs.lockFiles.flatMap((file) => [file, dirname(file)]),
    ...inputs.sitePackages,
  ]);
  const paths = [...watched].sort();
  const stamp = join(venv, QUICK_STAMP_FILE);
  // A path the shell cannot read back as one line cannot be watched: no stamp then.
  if (paths.some((path) => path.includes("\n"))) {
    clearQuickStamp(venv);
    return;
  }
  // The last line marks a complete stamp: a stamp cut short by a crash must not vouch for anything.
  const text = `${paths.join("\n")}\n${QUICK_STAMP_END}\n`;
  try {
    // The hook's every activation rewrites it otherwise: an unchanged list only needs the new time.
    if (readTextOrNull(stamp) !== text) writeFileAtomic(stamp, text);
    const when = new Date(inputs.startedAtMs - MARGIN_MS);
    utimesSync(stamp, when, when);
  } catch {
    clearQuickStamp(venv);
  }
}

export function clearQuickStamp(venv: string): void {
  try {
    rmSync(join(venv, QUICK_STAMP_FILE), { force: true });
  } catch {}
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}
