import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DhtlError } from "../core/errors.js";
import type { Output } from "../core/output.js";
import { which } from "../facts/machine.js";
import { lockedDistributions } from "../facts/system-packages/needs.js";
import type { SystemDependency } from "../facts/types.js";
import { planSystemPackages } from "../plan/system-packages.js";
import { decideSystemPackages, systemPackagesStepFor } from "../workflows/system-packages.js";
import type { BuildTarget } from "./install.js";
import type { LockStrategy } from "./steps.js";
import {
  distributionsBuiltFromSource,
  explainWithShortfall,
  type SystemPackagesShortfall,
  wheelLessDistributions,
} from "./system-packages.js";
import { uvRunner } from "./tools.js";

/**
 * Real uv against real PyPI decides which locked distributions would build from source: psycopg2 and
 * mysqlclient publish no Linux wheels, six and psycopg2-binary do.
 */
const silent: Output = { color: false, quiet: true, line() {}, warn() {}, step: () => () => {} };

function capture(): Output & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silent, warnings, warn: (text) => warnings.push(text) };
}

const uvEnv = { ...process.env, VIRTUAL_ENV: "" };
let base: string;
let target: BuildTarget;
const compiled: LockStrategy = {
  kind: "compiled",
  file: "req.lock",
  input: "req.in",
  constraints: null,
};

function compile(root: string, file: string, requirements: string): void {
  writeFileSync(join(root, `${file}.in`), requirements);
  execFileSync(
    "uv",
    ["pip", "compile", "--universal", "--generate-hashes", "--quiet", "--python-version", "3.11"].concat([
      "--output-file",
      file,
      `${file}.in`,
    ]),
    { cwd: root, env: uvEnv },
  );
}

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), "dhtl-system-step-"));
  execFileSync("uv", ["venv", "--quiet", "--relocatable", "--python", "3.11", "env"], {
    cwd: base,
    env: uvEnv,
  });
  compile(base, "req.lock", "psycopg2==2.9.10\nmysqlclient==2.2.7\nsix==1.16.0\n");
  compile(base, "pg.lock", "psycopg2==2.9.10\nsix==1.16.0\n");
  compile(base, "binary.lock", "psycopg2-binary==2.9.10\nsix==1.16.0\n");
  target = { root: base, envPath: join(base, "env"), uv: await uvRunner(silent) };
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe("distributionsBuiltFromSource", () => {
  it("names every locked candidate without a usable wheel, one dry run at a time", async () => {
    const built = await distributionsBuiltFromSource({ ...target, lock: compiled }, [
      "six",
      "psycopg2",
      "MySQLclient",
    ]);
    expect(built).toEqual(["mysqlclient", "psycopg2"]);
  });

  it("reads a uv.lock project the same way (uv sync --dry-run)", async () => {
    const root = join(base, "uv-project");
    mkdirSync(root);
    writeFileSync(
      join(root, "pyproject.toml"),
      '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["psycopg2==2.9.10", "six==1.16.0"]\n',
    );
    execFileSync("uv", ["lock", "--quiet", "--python", "3.11"], { cwd: root, env: uvEnv });
    const lock: LockStrategy = { kind: "uv", file: "uv.lock", exists: true };
    expect(lockedDistributions(root, lock)).toEqual(["demo", "psycopg2", "six"]);
    expect(await distributionsBuiltFromSource({ ...target, root, lock }, ["psycopg2", "six"])).toEqual([
      "psycopg2",
    ]);
  });
});

describe("lockedDistributions and wheelLessDistributions", () => {
  it("lists the pinned names of a hashed requirements lock", () => {
    expect(lockedDistributions(base, compiled)).toEqual(["mysqlclient", "psycopg2", "six"]);
    expect(lockedDistributions(base, { ...compiled, file: "missing.lock" })).toEqual([]);
  });

  it("reads uv's three ways of saying a distribution has no wheel", () => {
    const pip = [
      "error: No solution found when resolving dependencies",
      "  cause: Because mysqlclient==2.2.7 has no usable wheels and you require mysqlclient==2.2.7, we can conclude that your requirements are unsatisfiable.",
      "hint: Wheels are required for `Psycopg2` because building from source is disabled",
    ].join("\n");
    expect(wheelLessDistributions(pip)).toEqual(["mysqlclient", "psycopg2"]);
    const sync =
      "error: Distribution `psycopg2==2.9.10 @ registry+https://pypi.org/simple` can't be installed because it is marked as `--no-build` but has no binary distribution";
    expect(wheelLessDistributions(sync)).toEqual(["psycopg2"]);
    expect(wheelLessDistributions("error: Failed to fetch: https://pypi.org/simple/six/")).toEqual([]);
  });
});

const onDebian = which("dpkg-query") !== null && which("apt-get") !== null;

describe.skipIf(!onDebian)("decideSystemPackages (apt, without consent: nothing is installed)", () => {
  // Names that are valid for apt and surely not installed, so the test never depends on this machine's state.
  const dependencies: SystemDependency[] = [
    { name: "dhtl-test-no-such-dev", manager: "apt", because: "psycopg2", phase: "build" },
    { name: "dpkg", manager: "apt", because: "psycopg2", phase: "runtime" },
  ];
  const step = planSystemPackages({
    manager: "apt",
    dependencies,
    recorded: { apt: ["dhtl-test-no-such-tool"] },
    missing: [],
    root: true,
  });

  it("counts build packages when the distribution builds from source, and warns with the command", async () => {
    const out = capture();
    const questions: string[] = [];
    const result = await decideSystemPackages(
      step!,
      { ...target, lock: { ...compiled, file: "pg.lock" } },
      {
        out,
        consent: {
          yes: false,
          ask: async (question) => {
            questions.push(question);
            return false;
          },
        },
      },
    );
    // The lock's psycopg2 adds the table's own needs (libpq-dev …), present or not on this machine.
    expect(result.shortfall?.manager).toBe("apt");
    expect(result.shortfall?.missing).toEqual(
      expect.arrayContaining(["dhtl-test-no-such-dev", "dhtl-test-no-such-tool"]),
    );
    expect(result.shortfall?.builds.map((build) => build.distribution)).toEqual(["psycopg2"]);
    expect(result.shortfall?.builds[0]?.packages).toContain("dhtl-test-no-such-dev");
    expect(questions[0]).toContain("psycopg2 builds from source against dhtl-test-no-such-dev");
    expect(questions[0]).toContain(
      "apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends --",
    );
    expect(out.warnings.join("\n")).toMatch(
      /install them with: .*apt-get .* dhtl-test-no-such-dev .*dhtl-test-no-such-tool/,
    );
    expect(result.outcome).toContain("not installed: no consent");
  });

  it("leaves build packages out when a wheel fits (psycopg2-binary)", async () => {
    const binary = planSystemPackages({
      manager: "apt",
      dependencies: dependencies.map((d) => ({ ...d, because: "psycopg2-binary" })),
      missing: [],
      root: true,
    });
    const out = capture();
    const result = await decideSystemPackages(
      binary!,
      { ...target, lock: { ...compiled, file: "binary.lock" } },
      { out, consent: { yes: false, ask: null } },
    );
    expect(result.shortfall).toBeNull();
    expect(result.outcome).toMatch(/^not needed: wheels fit/);
    expect(out.warnings).toEqual([]);
  });
});

describe.skipIf(!onDebian)("systemPackagesStepFor", () => {
  it("also counts what the existing lock pins, beyond the declared dependencies", async () => {
    const step = await systemPackagesStepFor(base, { dependencies: [], lock: compiled });
    expect(step?.manager).toBe("apt");
    const needs = step?.dependencies.map((d) => `${d.because}:${d.phase}:${d.name}`) ?? [];
    expect(needs).toContain("mysqlclient:build:default-libmysqlclient-dev");
    expect(needs).toContain("psycopg2:build:libpq-dev");
    expect(needs).toContain("psycopg2:runtime:libpq5");
    expect(step?.dependencies.every((d) => d.manager === "apt")).toBe(true);
  });

  it("plans nothing when neither the project, the lock nor .dhtconfig asks for a system package", async () => {
    // psycopg2-binary bundles its own libpq: the table asks nothing for it.
    expect(
      await systemPackagesStepFor(base, { dependencies: [], lock: { ...compiled, file: "binary.lock" } }),
    ).toBeNull();
    expect(await systemPackagesStepFor(base, { dependencies: [] })).toBeNull();
  });
});

describe("explainWithShortfall", () => {
  const shortfall: SystemPackagesShortfall = {
    manager: "apt",
    missing: ["libpq-dev"],
    builds: [{ distribution: "psycopg2", packages: ["libpq-dev"] }],
    commands: [],
  };

  it("names the distribution, the missing packages and the command when that build fails", () => {
    const failure = new DhtlError(
      "toolFailed",
      "failed to build psycopg2\n  × Failed to build `psycopg2==2.9.10`",
    );
    const explained = explainWithShortfall(failure, shortfall);
    expect(explained).toBeInstanceOf(DhtlError);
    const error = explained as DhtlError;
    expect(error.code).toBe("toolFailed");
    expect(error.message).toMatch(
      /^failed to build psycopg2 \(needs libpq-dev\): missing apt packages libpq-dev/,
    );
    expect(error.message).toMatch(
      /apt-get -o DPkg::Lock::Timeout=300 install -y --no-install-recommends -- libpq-dev/,
    );
    expect(error.hint).toContain("--yes");
    expect(error.cause).toBe(failure);
  });

  it("leaves other failures alone", () => {
    const network = new DhtlError(
      "toolFailed",
      "network error while fetching psycopg2 (https://pypi.org/simple/psycopg2/)",
    );
    expect(explainWithShortfall(network, shortfall)).toBe(network);
    const other = new DhtlError("toolFailed", "failed to build lxml");
    expect(explainWithShortfall(other, shortfall)).toBe(other);
    expect(explainWithShortfall(other, null)).toBe(other);
  });
});
