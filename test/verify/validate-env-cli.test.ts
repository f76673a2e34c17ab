import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeUvProject } from "../support/make-venv.js";
import { runCli } from "../support/run-cli.js";
import { removeTempDirs, tempDir } from "../support/temp-dirs.js";

afterAll(removeTempDirs);

const dhtl = (...args: string[]) => runCli(args, tmpdir());

describe("dhtl validate-env (the built CLI)", () => {
  let project: string;
  beforeAll(async () => {
    project = tempDir();
    await makeUvProject(project);
  });

  it("exits 0 on a valid environment, 1 on drift with one line under --quiet", async () => {
    const ok = dhtl("validate-env", "--quick", "--quiet", project);
    expect({ code: ok.code, stdout: ok.stdout, stderr: ok.stderr }).toEqual({
      code: 0,
      stdout: "",
      stderr: "",
    });

    // Replace the file rather than edit it in place: uv may hardlink it from its cache.
    const six = join(project, ".venv", "lib", "python3.11", "site-packages", "six.py");
    rmSync(six);
    writeFileSync(six, "# changed\n");
    const drift = dhtl("validate-env", "--json", project);
    expect(drift.code).toBe(1);
    expect(JSON.parse(drift.stdout).drift.modifiedFiles).toEqual(["six.py"]);
  });

  it("exits 2 with a hint to run `dhtl setup` when nothing was set up", async () => {
    const result = dhtl("validate-env", tempDir());
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: no \.dhtconfig in .*\nhint: run `dhtl setup`/);
  });
});
