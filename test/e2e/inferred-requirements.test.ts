import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { gitFixtureDir } from "../support/git-fixture.js";
import { cliJson, describeRun, runCli } from "../support/run-cli.js";
import { removeTempDirs } from "../support/temp-dirs.js";
import { treeHash } from "../support/tree-hash.js";

afterAll(removeTempDirs);

function imports(root: string, code: string): { status: number | null; output: string } {
  const result = spawnSync(join(root, ".venv", "bin", "python"), ["-c", code], {
    cwd: root,
    encoding: "utf8",
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

interface SetupJson {
  ok: boolean;
  inferred: string[];
  packages: number;
  upToDate: boolean;
  checksum: string;
}

/** Class 6 (issue 10 #6): never "ready — 0 packages" while the code imports what is not installed. */
describe("notebooks without a manifest (justmarkham/scikit-learn-videos's shape)", () => {
  it("without consent: refused (exit 4), the inferred set named, nothing changed", () => {
    const root = gitFixtureDir("projects/notebook-only");
    const before = treeHash(root);
    const result = runCli(["setup"], root);
    expect(result.code, describeRun(result)).toBe(4);
    expect(result.stderr).toMatch(
      /not installed without consent: ipykernel \(import IPython: .*\); python-dateutil \(import dateutil: .*\); pyyaml/,
    );
    expect(result.stderr).toContain("dhtl setup --yes");
    // A module a notebook writes itself (`%%file mymodule.py`) is the project's, never fetched from PyPI.
    expect(result.stderr).not.toContain("mymodule");
    expect(treeHash(root)).toBe(before);
  });

  it("with --yes: installed from a hashed lock, recorded as inferred; validate, regenerate and setup agree", () => {
    const root = gitFixtureDir("projects/notebook-only");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    const outcome = cliJson<SetupJson>(result);
    // The notebooks' kernel (with the IPython they import) and what their code imports.
    expect(outcome.inferred).toEqual(["ipykernel", "python-dateutil", "pyyaml"]);
    // The guarded import is reported, not installed.
    expect(result.stderr).toMatch(
      /ujson \(import ujson: .*\) is imported only where an ImportError is caught/,
    );
    expect(imports(root, "import yaml, dateutil.parser, IPython, ipykernel").status).toBe(0);
    expect(imports(root, "import ujson").status).not.toBe(0);
    const config = readFileSync(join(root, ".dhtconfig"), "utf8");
    expect(config).toMatch(/^inferred:\n {2}- ipykernel\n {2}- python-dateutil\n {2}- pyyaml\n/m);
    const lock = readFileSync(join(root, ".dhtl", "requirements.lock"), "utf8");
    expect(lock).toMatch(/^pyyaml==\S+ \\\n\s+--hash=sha256:/m);
    expect(readFileSync(join(root, ".dhtl", "requirements.in"), "utf8")).toMatch(
      /# Inferred from the code's imports.*\nipykernel\npython-dateutil\npyyaml\n$/,
    );

    expect(runCli(["validate-env"], root).code).toBe(0);
    const valid = runCli(["regenerate", "--json"], root);
    expect(cliJson<SetupJson>(valid).upToDate).toBe(true);
    rmSync(join(root, ".venv"));
    const rebuilt = runCli(["regenerate", "--json"], root);
    expect(rebuilt.code, describeRun(rebuilt)).toBe(0);
    expect(cliJson<SetupJson>(rebuilt).checksum).toBe(outcome.checksum);
    expect(imports(root, "import yaml").status).toBe(0);
    // A later setup keeps what was recorded, asking nothing (no terminal, no --yes) and writing the same record.
    const again = runCli(["setup"], root);
    expect(again.code, describeRun(again)).toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).toBe(config);
  });

  it("--no-infer: only what the manifests declare, the missing imports reported", () => {
    const root = gitFixtureDir("projects/notebook-only");
    const result = runCli(["setup", "--no-infer"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(result.stderr).toMatch(/warning: not installed: .*pyyaml \(import yaml/);
    expect(result.stdout).toMatch(
      /not installed though the code imports them: ipykernel, python-dateutil, pyyaml/,
    );
    expect(imports(root, "import yaml").status).not.toBe(0);
    expect(readFileSync(join(root, ".dhtconfig"), "utf8")).not.toContain("inferred");
  });
});

describe("inferred from scripts and from a package's own code", () => {
  it("a script without a manifest (fogleman/Minecraft): pyglet inferred from `from pyglet import image`", () => {
    const root = gitFixtureDir("projects/scripts-only");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(cliJson<SetupJson>(result).inferred).toEqual(["pyglet"]);
    const pyglet = imports(root, "import pyglet; print(pyglet.version)");
    expect(pyglet.status, pyglet.output).toBe(0);
  });

  it("setup.py code importing pkg_resources (httpie 2019): setuptools inferred with a release that has it", () => {
    const root = gitFixtureDir("projects/setuppy-pkg-resources");
    const result = runCli(["setup", "--yes", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    // setuptools 82 dropped pkg_resources: the inferred requirement keeps a release that still has it.
    expect(cliJson<SetupJson>(result).inferred).toEqual(["setuptools<82"]);
    const loaded = imports(root, "import httpie.plugins.manager, requests, pygments");
    expect(loaded.status, loaded.output).toBe(0);
    expect(runCli(["validate-env"], root).code).toBe(0);
    const forced = runCli(["regenerate", "--force", "--yes"], root);
    expect(forced.code, describeRun(forced)).toBe(0);
    expect(imports(root, "import pkg_resources").status).toBe(0);
  });
});

describe("an MLflow project (mlflow/mlflow-example): conda.yaml named by MLproject", () => {
  it("is a conda manifest for analyze and setup: its packages installed, nothing inferred", () => {
    const root = gitFixtureDir("projects/mlflow-conda");
    const analyze = runCli(["analyze", "--json", "--no-machine", "--no-user"], root);
    const facts = cliJson<{ project: { sources: { file: string; kind: string }[]; dependencies: string[] } }>(
      analyze,
    );
    expect(facts.project.sources).toEqual(
      expect.arrayContaining([
        { file: "conda.yaml", kind: "conda" },
        { file: "MLproject", kind: "mlproject" },
      ]),
    );
    expect(facts.project.dependencies).toEqual(expect.arrayContaining(["six>=1.16", "idna"]));
    const result = runCli(["setup", "--json"], root);
    expect(result.code, describeRun(result)).toBe(0);
    expect(cliJson<SetupJson>(result).inferred).toEqual([]);
    expect(imports(root, "import six, idna").status).toBe(0);
    expect(existsSync(join(root, "conda.yaml"))).toBe(true);
  });
});
