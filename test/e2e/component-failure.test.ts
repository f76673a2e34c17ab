import { readlinkSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { copyFixtureDir, removeTempDirs } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

interface SetupJson {
  ok: boolean;
  componentFailures: { language: string; dir: string; message: string; hint: string | null }[];
}

/** Class 17: wagtail/bakerydemo's lint-tool package.json whose `npm ci` 404s must not fail the Python setup. */
describe("a Node component failing once the Python environment is complete", () => {
  it("is a warning naming the component and the command; setup exits 0 and the environment is valid", () => {
    const root = copyFixtureDir("components/npm-404");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    const outcome = cliJson<SetupJson>(result);
    expect(outcome.ok).toBe(true);
    expect(outcome.componentFailures).toHaveLength(1);
    expect(outcome.componentFailures[0]).toMatchObject({ language: "node", dir: "." });
    expect(outcome.componentFailures[0]!.message).toMatch(/npm ci failed in the project root/);
    expect(result.stderr).toMatch(/warning: npm ci failed in the project root/);
    expect(result.stderr).toMatch(/hint: .*run `npm ci` in the project root with \.venv\/bin first on PATH/);
    expect(readlinkSync(join(root, ".venv"))).toMatch(/^\.dhtl\/envs\//);
    expect(runCli(["validate-env"], root).code).toBe(0);
    // The text outcome says what was left out, after the usual line.
    const again = runCli(["setup", "--yes"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(again.stdout).toMatch(
      /environment ready .*\n {2}not installed: \.\/ \(node\) — see the warning above/,
    );
  });
});
