// The dependency-direction check `npm test` runs: dependency-cruiser with .dependency-cruiser.cjs (layers
// only point down, no cycles). It also fails when dependency-cruiser read fewer modules than src/ holds:
// without a TypeScript it supports, dependency-cruiser skips every .ts file and reports "no violations".
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const cli = join(root, "node_modules", "dependency-cruiser", "bin", "dependency-cruise.mjs");

let output;
try {
  output = execFileSync(
    process.execPath,
    [cli, "src", "--config", ".dependency-cruiser.cjs", "--output-type", "json"],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "inherit"] },
  );
} catch (error) {
  // Violations exit non-zero; the report is on stdout all the same.
  output = error.stdout;
  if (!output) throw error;
}
const { summary } = JSON.parse(output);

const sources = readdirSync(join(root, "src"), { recursive: true }).filter(
  (file) => file.endsWith(".ts") && !file.split("/").includes("__fixtures__"),
);
const problems = [];
if (summary.totalCruised < sources.length) {
  problems.push(
    `dependency-cruiser read ${summary.totalCruised} modules but src/ has ${sources.length} .ts files ` +
      "(does it support this TypeScript version?)",
  );
}
for (const violation of summary.violations) {
  const path = violation.cycle?.length
    ? [violation.from, ...violation.cycle.map((step) => step.name ?? step)].join(" → ")
    : `${violation.from} → ${violation.to}`;
  problems.push(`${violation.rule.name}: ${path}`);
}
if (problems.length > 0) {
  for (const problem of problems) process.stderr.write(`error ${problem}\n`);
  process.exit(1);
}
process.stdout.write(
  `layers: ${summary.totalCruised} modules, ${summary.totalDependenciesCruised} imports, no import up the layers, no cycles\n`,
);
