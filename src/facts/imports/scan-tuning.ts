/**
 * Two of V8's own tuning flags, changed while a large tree is scanned the first time and set back after.
 *
 * Why, measured on CPython's Lib (1,730 files, 30 MB) on a busy two-core machine:
 * - Inlining budget. The scanner's hot functions call one another and TurboFan inlines them into each
 *   other, compiling the same code again inside every caller (`logicalLine` alone took ~90 ms of compiler
 *   time, the scanner ~480 ms in all). Those compilations run on a background thread that takes its CPU
 *   from the scan. With a cumulative budget of 300 bytecode bytes per function instead of 920 the compiler
 *   did about half the work and the optimised scan ran as fast (141 vs 138 ms a pass once warm).
 * - Young generation growth. Every file's text is garbage a moment after it is scanned; V8's young
 *   generation starts at a megabyte and doubles only slowly, so it collected ~22 times (~45 ms). Growing
 *   it eight-fold at a time instead, it collected ~10 times (~22 ms).
 * Both flags are read by V8 when it compiles or grows, so changing them at run time takes effect. They are
 * set back afterwards, so V8's code-cache tag (a hash of the flags, see bin/dhtl.js) is the same after the
 * scan as before. Left alone when the user passes V8 flags of their own or the V8 is not one whose
 * defaults are known.
 */
import { setFlagsFromString } from "node:v8";

/** Each flag, its value during the scan and V8's default (flag-definitions.h, unchanged from V8 9 to 13). */
const FLAGS: [flag: string, scan: number, v8Default: number][] = [
  ["--max-inlined-bytecode-size-cumulative", 300, 920],
  ["--semi-space-growth-factor", 8, 2],
];

/** Whether this process may change them: a V8 with the known defaults, none of them given by the user. */
export function mayTune(
  v8Version = process.versions.v8,
  given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" "),
): boolean {
  const major = Number(v8Version.split(".")[0]);
  if (!(major >= 9 && major <= 13)) return false;
  // V8 reads `--a-b` and `--a_b` alike.
  const flags = given.replace(/_/g, "-");
  return !FLAGS.some(([flag]) => flags.includes(flag.slice(2)));
}

/** Runs `work` with the scan's flags, and restores V8's defaults however it ends. */
export async function withScanTuning<T>(work: () => Promise<T>): Promise<T> {
  if (!mayTune()) return work();
  for (const [flag, value] of FLAGS) setFlagsFromString(`${flag}=${value}`);
  try {
    return await work();
  } finally {
    for (const [flag, , value] of FLAGS) setFlagsFromString(`${flag}=${value}`);
  }
}
