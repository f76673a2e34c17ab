import { describe, expect, it } from "vitest";
import { projectModel } from "../../test/support/project-model.js";
import { DhtlError } from "../core/errors.js";
import { emptyManifest } from "../facts/manifests/types.js";
import type { Facts, ProjectModel } from "../facts/types.js";
import { nextDhtConfig } from "../record/next-config.js";
import { planFix } from "./fix-plan.js";
import { chooseLockStrategy } from "./lock-strategy.js";
import { planRegenerate } from "./regenerate-plan.js";
import { renderPlan } from "./render.js";
import { checkedRequirement, renderRequirementsInput } from "./requirements-in.js";
import { planSetup } from "./setup-plan.js";

function facts(
  model: ProjectModel,
  chosen: Facts["python"]["chosen"] = null,
): Pick<Facts, "root" | "project" | "python"> {
  return { root: "/p", project: model, python: { candidates: [], chosen, conflicts: [] } };
}

const pep621 = {
  ...emptyManifest("pyproject:pep621+dependency-groups", "pyproject.toml"),
  name: { value: "demo", file: "pyproject.toml" },
};
const interpreter = { path: "/py/3.12.1/bin/python3", version: "3.12.1", implementation: "cpython" };
const kinds = (plan: { steps: { kind: string }[] }) => plan.steps.map((step) => step.kind);

describe("chooseLockStrategy", () => {
  it("locks a PEP 621 project with uv", () => {
    expect(chooseLockStrategy(projectModel({ manifests: [pep621] }), { uvLock: false })).toEqual({
      kind: "uv",
      file: "uv.lock",
      exists: false,
    });
  });

  it("compiles a dhtl-owned lock for Poetry even when it writes [project]", () => {
    const strategy = chooseLockStrategy(projectModel({ manifests: [pep621], packageManager: "poetry" }), {
      uvLock: false,
    });
    expect(strategy.kind).toBe("compiled");
    expect(strategy.file).toBe(".dhtl/requirements.lock");
  });

  it("uses a fully hashed requirements file as it is", () => {
    const hashed = emptyManifest("requirements", "requirements.txt");
    hashed.dependencies = [
      { requirement: "six==1.17.0", file: "requirements.txt", line: 1, hashes: ["sha256:ab"] },
    ];
    expect(chooseLockStrategy(projectModel({ manifests: [hashed] }), { uvLock: false })).toEqual({
      kind: "user-hashed",
      file: "requirements.txt",
    });
  });
});

describe("renderRequirementsInput", () => {
  it("is sorted, deduplicated, includes groups and skips the project itself", () => {
    const model = projectModel({
      dependencies: ["requests>=2", "Django<5", ".", "requests>=2"],
      dependencyGroups: { dev: ["pytest"], docs: ["-e ."] },
      sources: [
        { file: "requirements.txt", kind: "requirements" },
        { file: "requirements-dev.txt", kind: "requirements" },
      ],
    });
    const first = renderRequirementsInput(model);
    expect(first.content.split("\n").filter((line) => !line.startsWith("#"))).toEqual([
      "Django<5",
      "pytest",
      "requests>=2",
      "",
    ]);
    expect(first.content).toContain("#   requirements-dev.txt\n#   requirements.txt");
    const reordered = renderRequirementsInput({ ...model, dependencies: ["Django<5", "requests>=2"] });
    expect(reordered.digest).toBe(first.digest);
  });

  it("refuses options and line breaks smuggled in as requirements", () => {
    expect(() => checkedRequirement("--index-url http://evil")).toThrow(DhtlError);
    expect(() => checkedRequirement("six\n-r /etc/passwd")).toThrow(/not a PEP 508/);
    expect(() => checkedRequirement("-bad-name-")).toThrow(DhtlError);
    expect(checkedRequirement("idna ; python_version >= '3.8'")).toBe("idna ; python_version >= '3.8'");
  });

  it("writes constraints to their own file, referenced with -c", () => {
    const input = renderRequirementsInput(
      projectModel({ dependencies: ["idna"], constraints: ["idna<3.10"] }),
    );
    expect(input.content).toContain("-c constraints.txt\nidna\n");
    expect(input.constraints).toBe("idna<3.10\n");
  });
});

describe("planSetup", () => {
  it("plans uv lock, sync and no recorded Python when the pin is exact", () => {
    const plan = planSetup({
      facts: facts(projectModel({ manifests: [pep621] }), {
        value: "3.12.1",
        kind: "exact",
        source: ".python-version",
        file: ".python-version",
        reason: "pin",
      }),
      interpreter,
      installed: ["cpython-3.12.1"],
      uvLockExists: false,
    });
    expect(kinds(plan)).toEqual([
      "ensureUv",
      "usePython",
      "createVenv",
      "uvLock",
      "uvSync",
      "writeDhtConfig",
      "swapVenv",
    ]);
    expect(plan.recordPython).toBeNull();
    expect(renderPlan(plan)[0]).toContain("uv.lock");
  });

  it("compiles, pip-syncs and installs the project for a setup.py package, recording the exact Python", () => {
    const plan = planSetup({
      facts: facts(projectModel({ dependencies: ["six"], isPackage: true })),
      interpreter,
      installed: [],
      uvLockExists: false,
    });
    expect(kinds(plan)).toEqual([
      "ensureUv",
      "usePython",
      "createVenv",
      "writeRequirementsIn",
      "compileLock",
      "pipSync",
      "installProject",
      "writeDhtConfig",
      "swapVenv",
    ]);
    expect(plan.steps.find((step) => step.kind === "compileLock")).toMatchObject({ pythonVersion: "3.12" });
    expect(plan.recordPython).toBe("3.12.1");
  });

  it("installs an exact Python that is missing, and refuses a range nothing satisfies", () => {
    const exact = planSetup({
      facts: facts(projectModel(), { value: "3.12.9", kind: "exact", source: "x", file: "x", reason: "x" }),
      interpreter: null,
      installed: ["cpython-3.11.7"],
      uvLockExists: false,
    });
    expect(exact.steps[1]).toMatchObject({ kind: "installPython", version: "3.12.9" });
    expect(() =>
      planSetup({
        facts: facts(projectModel(), { value: ">=3.99", kind: "range", source: "x", file: "x", reason: "x" }),
        interpreter: null,
        installed: ["cpython-3.11.7"],
        uvLockExists: false,
      }),
    ).toThrow(/installed: cpython-3.11.7/);
  });
});

describe("planRegenerate", () => {
  const recorded = {
    python: { version: "3.12.1", implementation: "cpython" },
    lock: { file: "uv.lock", digest: "sha256:aa" },
    environment: { checksums: { "linux-x86_64": "sha256:cc" } },
  };
  const base = {
    facts: facts(projectModel({ manifests: [pep621] })),
    recorded,
    lockDigestNow: "sha256:aa",
    interpreter,
    installed: [],
    platform: "linux-x86_64",
    environmentValid: null,
    force: false,
  };

  it("rebuilds without resolving, checking the lock is fresh and the checksum matches", () => {
    const plan = planRegenerate(base);
    expect(kinds(plan)).toEqual([
      "ensureUv",
      "usePython",
      "createVenv",
      "uvSync",
      "verifyChecksum",
      "swapVenv",
    ]);
    expect(plan.steps.find((step) => step.kind === "verifyChecksum")).toMatchObject({
      expected: "sha256:cc",
    });
  });

  it("lets uv re-check uv.lock (--locked) unless its recorded inputs are byte-identical (--frozen)", () => {
    const sync = (inputs: Partial<typeof base> & { uvInputDigestNow?: string | null }) =>
      planRegenerate({ ...base, ...inputs }).steps.find((step) => step.kind === "uvSync");
    const withInputs = { ...recorded, lock: { ...recorded.lock, inputDigest: "sha256:in" } };
    expect(sync({})).toMatchObject({ locked: true });
    expect(sync({ recorded: withInputs, uvInputDigestNow: "sha256:in" })).toMatchObject({ locked: false });
    expect(sync({ recorded: withInputs, uvInputDigestNow: "sha256:edited" })).toMatchObject({ locked: true });
    expect(sync({ recorded: withInputs, uvInputDigestNow: null })).toMatchObject({ locked: true });
    // A valid environment still has its lock checked, unless the inputs are unchanged.
    expect(kinds(planRegenerate({ ...base, environmentValid: true }))).toEqual([
      "ensureUv",
      "checkLockFresh",
    ]);
    expect(
      kinds(
        planRegenerate({
          ...base,
          environmentValid: true,
          recorded: withInputs,
          uvInputDigestNow: "sha256:in",
        }),
      ),
    ).toEqual([]);
  });

  it("installs the recorded extras, and a compiled lock made for other extras is stale", () => {
    const sync = planRegenerate({ ...base, recorded: { ...recorded, extras: ["test"] } }).steps.find(
      (step) => step.kind === "uvSync",
    );
    expect(sync).toMatchObject({ extras: ["test"] });
    const model = projectModel({ dependencies: ["six"], optionalDependencies: { test: ["pytest"] } });
    const compiled = {
      ...base,
      facts: facts(model),
      recorded: {
        lock: {
          file: ".dhtl/requirements.lock",
          digest: "sha256:aa",
          inputDigest: renderRequirementsInput(model, ["test"]).digest,
        },
        extras: ["test"],
      },
    };
    expect(planRegenerate(compiled).extras).toEqual(["test"]);
    expect(() => planRegenerate({ ...compiled, recorded: { ...compiled.recorded, extras: [] } })).toThrow(
      /stale lock/,
    );
  });

  it("leaves a valid environment alone unless forced", () => {
    expect(planRegenerate({ ...base, environmentValid: true }).upToDate).toBe(true);
    expect(planRegenerate({ ...base, environmentValid: true, force: true }).upToDate).toBe(false);
  });

  it("reports a changed lock and a stale compiled lock as drift", () => {
    expect(() => planRegenerate({ ...base, lockDigestNow: "sha256:bb" })).toThrow(/changed since/);
    const compiled = {
      ...base,
      facts: facts(projectModel({ dependencies: ["six"] })),
      recorded: { lock: { file: ".dhtl/requirements.lock", digest: "sha256:aa", inputDigest: "sha256:old" } },
    };
    try {
      planRegenerate(compiled);
      expect.unreachable();
    } catch (error) {
      expect((error as DhtlError).code).toBe("drift");
      expect((error as DhtlError).message).toMatch(/stale lock/);
    }
  });
});

describe("planFix", () => {
  it("reinstalls changed and modified distributions on a copy, exact sync removing extras", () => {
    const plan = planFix({
      facts: facts(projectModel({ dependencies: ["six"] })),
      recorded: { lock: { file: ".dhtl/requirements.lock", digest: "sha256:aa" } },
      drift: {
        extra: ["idna==3.10"],
        missing: ["packaging==24.2"],
        changed: [{ name: "Six", expected: "1.17.0", actual: "1.16.0" }],
        modifiedFiles: ["attr/__init__.py"],
      },
      modifiedOwners: ["attrs"],
      pythonMatches: true,
    });
    expect(plan && kinds(plan)).toEqual([
      "ensureUv",
      "copyCurrentEnv",
      "pipSync",
      "verifyChecksum",
      "swapVenv",
    ]);
    expect(plan?.steps[2]).toMatchObject({ reinstall: ["attrs", "six"] });
    expect(plan?.steps[2]?.reason).toContain("remove idna==3.10");
  });
});

describe("nextDhtConfig", () => {
  it("keeps other sections and other platforms only while the lock is unchanged", () => {
    const existing = {
      schema: 1 as const,
      tools: { ruff: "0.6" },
      lock: { file: "uv.lock", digest: "sha256:aa" },
      environment: { checksums: { "macos-arm64": "sha256:mm" } },
    };
    const plan = planSetup({
      facts: facts(projectModel({ manifests: [pep621] })),
      interpreter,
      installed: [],
      uvLockExists: true,
    });
    expect(plan.steps.find((step) => step.kind === "uvLock")?.reason).toMatch(/up to date/);
    const built = {
      lockFile: "uv.lock",
      lockDigest: "sha256:aa",
      inputDigest: null,
      checksum: "sha256:ll",
      python: { version: "3.12.1", implementation: "CPython" },
    };
    expect(nextDhtConfig(existing, plan, built, "linux-x86_64")).toEqual({
      schema: 1,
      tools: { ruff: "0.6" },
      python: { version: "3.12.1", implementation: "cpython" },
      lock: { file: "uv.lock", digest: "sha256:aa" },
      environment: { checksums: { "linux-x86_64": "sha256:ll" } },
    });
    const samePython = { ...existing, python: { version: "3.12.1", implementation: "cpython" } };
    expect(nextDhtConfig(samePython, plan, built, "linux-x86_64").environment?.checksums).toEqual({
      "linux-x86_64": "sha256:ll",
      "macos-arm64": "sha256:mm",
    });
  });
});
