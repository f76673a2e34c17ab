// Times dhtl's machine and user fact collection (what `analyze` adds on top of the project).
// Bundled and run by bench/machine-user-facts.sh; usage: node machine-user-facts.mjs RUNS
import { collectMachineFacts } from "../src/facts/machine.js";
import { collectUserFacts } from "../src/facts/user.js";
import { findInterpreters } from "../src/python/discover.js";

const runs = Number(process.argv[2] ?? "10");

async function median(label: string, task: () => Promise<unknown>): Promise<void> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await task();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const mid = times[Math.floor(times.length / 2)] ?? 0;
  process.stdout.write(
    `${label.padEnd(34)} median ${mid.toFixed(0).padStart(5)} ms  (min ${times[0]?.toFixed(0)} ms)\n`,
  );
}

const interpreters = await findInterpreters();
process.stdout.write(
  `${interpreters.length} interpreters: ${interpreters.map((i) => `${i.version}/${i.source}`).join(" ")}\n`,
);
await median("findInterpreters", () => findInterpreters());
await median("collectMachineFacts", () => collectMachineFacts());
await median("collectUserFacts", () => collectUserFacts(process.cwd()));
await median("machine + user (in parallel)", () =>
  Promise.all([collectMachineFacts(), collectUserFacts(process.cwd())]),
);
