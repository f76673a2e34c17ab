// Times the environment checksum of a synthetic environment (300 distributions × 60 RECORD rows, 20 kB
// METADATA bodies). Bundled and run by bench/checksum-speed.sh; usage: node checksum-speed.mjs DIR RUNS
import { environmentChecksum, readEnvironmentState } from "../src/record/checksum.js";
import { writeManyDistributions } from "../test/support/many-distributions.js";

const [dir, runsArg] = process.argv.slice(2);
if (!dir) throw new Error("usage: checksum-speed.mjs DIR [RUNS]");
const runs = Number(runsArg ?? "7");
writeManyDistributions(dir, 300, 60);
const times: number[] = [];
for (let i = 0; i < runs; i++) {
  const start = performance.now();
  environmentChecksum(readEnvironmentState(dir));
  times.push(performance.now() - start);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)] ?? 0;
process.stdout.write(
  `checksum of 300 distributions: median ${median.toFixed(0)} ms over ${runs} runs (target < 1000)\n`,
);
