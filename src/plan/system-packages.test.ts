import { describe, expect, it } from "vitest";
import { systemDependenciesFor } from "../facts/system-deps/index.js";
import type { Plan } from "../run/steps.js";
import { describeStep } from "../run/steps.js";
import { planSystemPackages, withSystemPackagesStep } from "./system-packages.js";

const psycopg2 = systemDependenciesFor(["psycopg2==2.9.10"]);

describe("planSystemPackages", () => {
  it("keeps only the machine's manager and gives the exact commands for what is missing", () => {
    const step = planSystemPackages({
      manager: "apt",
      dependencies: psycopg2,
      missing: ["libpq-dev"],
      root: true,
    });
    expect(step?.manager).toBe("apt");
    expect(step?.dependencies.every((dependency) => dependency.manager === "apt")).toBe(true);
    expect(step?.dependencies.map((d) => `${d.phase}:${d.name}`)).toEqual([
      "build:build-essential",
      "build:libpq-dev",
      "build:pkg-config",
      "runtime:libpq5",
    ]);
    expect(step?.missing).toEqual(["libpq-dev"]);
    expect(step?.commands.at(-1)).toEqual([
      "env",
      "DEBIAN_FRONTEND=noninteractive",
      "apt-get",
      "-o",
      "DPkg::Lock::Timeout=300",
      "install",
      "-y",
      "--no-install-recommends",
      "--",
      "libpq-dev",
    ]);
    expect(step?.reason).toContain(
      "psycopg2 needs build-essential, libpq-dev, pkg-config to build from source",
    );
    expect(step?.reason).toContain("missing here: libpq-dev");
  });

  it("adds sudo only when not root, and prints the commands as a person would type them", () => {
    const step = planSystemPackages({
      manager: "dnf",
      dependencies: psycopg2,
      missing: ["libpq-devel"],
      root: false,
    });
    expect(step && describeStep(step)).toBe("install missing dnf packages if needed: libpq-devel");
    expect(step?.reason).toContain("dhtl runs: sudo dnf install -y -- libpq-devel (build packages only");
  });

  it("ignores missing names nothing asked for, and says so when all are present", () => {
    const step = planSystemPackages({
      manager: "apt",
      dependencies: psycopg2,
      missing: ["hello"],
      root: true,
    });
    expect(step?.missing).toEqual([]);
    expect(step?.commands).toEqual([]);
    expect(step && describeStep(step)).toBe("check apt packages (all present)");
  });

  it("keeps packages .dhtconfig records even when no Python dependency needs them", () => {
    const step = planSystemPackages({
      manager: "apt",
      dependencies: [],
      recorded: { apt: ["graphviz", "graphviz"], dnf: ["graphviz-devel"] },
      missing: ["graphviz"],
      root: true,
    });
    expect(step).toMatchObject({ recorded: ["graphviz"], missing: ["graphviz"] });
    expect(step?.reason).toContain(".dhtconfig lists graphviz");
  });

  it("plans nothing without a manager or without anything to look after", () => {
    expect(planSystemPackages({ manager: null, dependencies: psycopg2, missing: [], root: true })).toBeNull();
    expect(planSystemPackages({ manager: "apk", dependencies: [], missing: [], root: true })).toBeNull();
    expect(
      planSystemPackages({
        manager: "apt",
        dependencies: systemDependenciesFor(["six"]),
        missing: [],
        root: true,
      }),
    ).toBeNull();
  });

  it("refuses an invalid recorded name before it could reach a command", () => {
    expect(() =>
      planSystemPackages({
        manager: "apt",
        dependencies: [],
        recorded: { apt: ["libpq-dev; rm -rf /"] },
        missing: ["libpq-dev; rm -rf /"],
        root: true,
      }),
    ).toThrow(/not a valid apt package name/);
  });
});

describe("withSystemPackagesStep", () => {
  const plan: Plan = {
    command: "setup",
    root: "/p",
    extras: [],
    lock: {
      kind: "compiled",
      file: ".dhtl/requirements.lock",
      input: ".dhtl/requirements.in",
      constraints: null,
    },
    python: null,
    recordPython: null,
    installsProject: false,
    upToDate: false,
    steps: [
      { kind: "ensureUv", reason: "" },
      { kind: "createVenv", reason: "" },
      { kind: "compileLock", input: "a", output: "b", pythonVersion: "3.11", reason: "" },
      { kind: "pipSync", lockFile: "b", reinstall: [], reason: "" },
      { kind: "swapVenv", reason: "" },
    ],
  };
  const step = planSystemPackages({ manager: "apt", dependencies: psycopg2, missing: [], root: true });

  it("goes after the lock and before the first sync", () => {
    expect(withSystemPackagesStep(plan, step).steps.map((s) => s.kind)).toEqual([
      "ensureUv",
      "createVenv",
      "compileLock",
      "installSystemPackages",
      "pipSync",
      "swapVenv",
    ]);
    expect(plan.steps).toHaveLength(5);
  });

  it("leaves a plan without a sync, or without a step, as it is", () => {
    const idle = { ...plan, steps: plan.steps.filter((s) => s.kind !== "pipSync") };
    expect(withSystemPackagesStep(idle, step)).toBe(idle);
    expect(withSystemPackagesStep(plan, null)).toBe(plan);
  });
});
