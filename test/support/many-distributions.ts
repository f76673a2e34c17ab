import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A synthetic environment of `count` distributions with `files` RECORD rows each and a 20 kB METADATA
 * body (the part a checksum must not read): for the checksum's test and bench/checksum-speed.sh.
 */
export function writeManyDistributions(venv: string, count: number, files: number): void {
  writeFileSync(
    join(venv, "pyvenv.cfg"),
    "home = /usr/bin\nimplementation = CPython\nversion_info = 3.11.7\n",
  );
  const site = join(venv, "lib", "python3.11", "site-packages");
  for (let i = 0; i < count; i++) {
    const distInfo = join(site, `pkg${i}-1.${i}.dist-info`);
    mkdirSync(distInfo, { recursive: true });
    writeFileSync(
      join(distInfo, "METADATA"),
      `Metadata-Version: 2.1\nName: pkg${i}\nVersion: 1.${i}\n\n${"x".repeat(20_000)}`,
    );
    const rows = Array.from({ length: files }, (_, j) => `pkg${i}/m${j}.py,sha256=${"A".repeat(43)},${j}`);
    writeFileSync(join(distInfo, "RECORD"), `${rows.join("\n")}\npkg${i}-1.${i}.dist-info/RECORD,,\n`);
  }
}
