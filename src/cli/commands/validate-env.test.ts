import { appendFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUvProject } from "../../../test/support/make-venv.js";
import { removeTempDirs, tempDir } from "../../../test/support/temp-dirs.js";
import { DhtlError } from "../../core/errors.js";
import type { Output } from "../../core/output.js";
import { validateEnvCommand } from "./validate-env.js";

afterAll(removeTempDirs);

function capture(quiet = false): Output & { lines: string[] } {
  const lines: string[] = [];
  return {
    color: false,
    quiet,
    lines,
    line(text = "") {
      lines.push(text);
    },
    warn(text) {
      lines.push(`warn: ${text}`);
    },
    step: () => () => {},
  };
}

async function runCommand(root: string, options: Record<string, unknown>, quiet = false) {
  const out = capture(quiet);
  const code = await validateEnvCommand.run({ args: [root], options, out, debug: false });
  return { code, lines: out.lines };
}

describe("dhtl validate-env", () => {
  let project: string;
  beforeAll(async () => {
    project = tempDir();
    await makeUvProject(project);
  });

  it("exits 0 and says so when valid; --quiet prints nothing", async () => {
    const full = await runCommand(project, {});
    expect(full.code).toBe(0);
    expect(full.lines).toEqual([
      expect.stringMatching(
        /^✓ environment matches the lock and the recorded checksum \(Python 3\.11\.\d+\)$/,
      ),
    ]);
    expect(await runCommand(project, { quick: true }, true)).toEqual({ code: 0, lines: [] });
  });

  it("prints the JSON contract and exits 1 on drift", async () => {
    // Replace (not append to) the file: uv may hardlink it from its cache.
    const file = join(project, ".venv", "lib", "python3.11", "site-packages", "six.py");
    rmSync(file);
    appendFileSync(file, "print('changed')\n");
    const json = await runCommand(project, { json: true });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.lines.join("\n"));
    expect(Object.keys(report)).toEqual(["ok", "stale", "python", "checksum", "drift"]);
    expect(report.ok).toBe(false);
    expect(report.drift).toEqual({
      extra: [],
      missing: [],
      changed: [],
      modifiedFiles: ["six.py"],
      environment: [],
      tools: [],
    });

    const human = await runCommand(project, {});
    expect(human.code).toBe(1);
    expect(human.lines[0]).toBe("✗ environment drift: 1 modified file");
    expect(human.lines).toContain("  ! six.py  (modified)");

    const quiet = await runCommand(project, {}, true);
    expect(quiet.code).toBe(1);
    expect(quiet.lines).toEqual(["dhtl: environment drift: 1 modified file — run `dhtl fix-env`"]);
  });

  it("fails with a badInput error (exit 2) pointing to setup when nothing was set up", async () => {
    const error = await runCommand(tempDir(), {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DhtlError);
    expect((error as DhtlError).exitCode).toBe(2);
    expect((error as DhtlError).hint).toContain("dhtl setup");
  });
});
