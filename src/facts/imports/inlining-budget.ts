/**
 * A smaller inlining budget for V8's optimising compiler while a large tree is scanned the first time.
 *
 * Why: the scanner's hot functions call one another, and TurboFan inlines them into each other, so it
 * compiles the same code again inside every caller (on CPython's Lib, `logicalLine` alone took ~90 ms of
 * compiler time, the scanner ~480 ms in all). Those compilations run on a background thread that, on a
 * busy two-core machine, takes its CPU from the scan itself. With a cumulative budget of 300 bytecode bytes
 * per function instead of V8's 920 the compiler did about half the work, the optimised scan ran as fast
 * (138 vs 141 ms a pass once warm), and a cold `dhtl analyze` of Lib took ~70 ms less.
 *
 * The flag is V8's own (`--max-inlined-bytecode-size-cumulative`); it is set back afterwards, so V8's
 * code-cache tag (which hashes the flags, see bin/dhtl.js) is the same after the scan as before. Left alone
 * when the user passes V8 inlining flags of their own or the V8 is not one whose default is known.
 */
import { setFlagsFromString } from "node:v8";

const FLAG = "--max-inlined-bytecode-size-cumulative";
/** V8's default (flag-definitions.h), unchanged from V8 9 to 13. */
const V8_DEFAULT = 920;
const SCAN_BUDGET = 300;

/** Whether this process may change the flag: a V8 with the known default, no inlining flag of the user's. */
function mayTune(): boolean {
  const major = Number(process.versions.v8.split(".")[0]);
  if (!(major >= 9 && major <= 13)) return false;
  const given = [...process.execArgv, process.env.NODE_OPTIONS ?? ""].join(" ");
  return !given.includes("inlin");
}

/** Runs `work` with the smaller inlining budget, and restores V8's default however it ends. */
export async function withScanInliningBudget<T>(work: () => Promise<T>): Promise<T> {
  if (!mayTune()) return work();
  setFlagsFromString(`${FLAG}=${SCAN_BUDGET}`);
  try {
    return await work();
  } finally {
    setFlagsFromString(`${FLAG}=${V8_DEFAULT}`);
  }
}
