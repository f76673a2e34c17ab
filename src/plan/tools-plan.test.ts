import { describe, expect, it } from "vitest";
import type { Plan } from "../run/steps.js";
import { chooseSetupTools, withToolsStep } from "./tools-plan.js";

const use = (name: string, versionHint: string | null = null) => ({ name, evidence: ["x"], versionHint });

describe("chooseSetupTools", () => {
  it("keeps recorded versions, takes the project's hint for new tools, never duplicates a declared one", () => {
    const choice = chooseSetupTools({
      detected: [use("ruff", "0.4.4"), use("tox"), use("black", "24.1.0"), use("mypy", "1.0.0")],
      recorded: { mypy: "1.10.0", nox: ">=2024" },
      declared: ["Black", "six"],
    });
    expect(choice.requests).toEqual([
      { name: "mypy", version: "1.10.0", spec: null },
      { name: "nox", version: null, spec: ">=2024" },
      { name: "ruff", version: "0.4.4", spec: null },
      { name: "tox", version: null, spec: null },
    ]);
    expect(choice.skipped).toEqual(["black: declared in the project, the lock installs it"]);
  });
});

function plan(kinds: Plan["steps"][number]["kind"][], upToDate = false): Plan {
  return {
    command: "setup",
    root: "/p",
    lock: { kind: "uv", file: "uv.lock", exists: true },
    python: null,
    recordPython: null,
    installsProject: false,
    extras: [],
    steps: kinds.map((kind) => ({ kind, reason: "" }) as Plan["steps"][number]),
    upToDate,
  };
}

describe("withToolsStep", () => {
  const tools = [{ name: "ruff", version: "0.5.0", spec: null }];

  it("goes into a build before the environment is checked, recorded and swapped in", () => {
    const built = withToolsStep(
      plan(["ensureUv", "createVenv", "uvSync", "writeDhtConfig", "swapVenv"]),
      tools,
      "r",
    );
    expect(built.steps.map((step) => step.kind)).toEqual([
      "ensureUv",
      "createVenv",
      "uvSync",
      "installTools",
      "writeDhtConfig",
      "swapVenv",
    ]);
    expect(built.steps[3]).toMatchObject({ live: false, tools });
  });

  it("alone on the live environment when nothing else is rebuilt (and the plan is no longer up to date)", () => {
    const alone = withToolsStep(plan([], true), tools, "r");
    expect(alone.steps.map((step) => step.kind)).toEqual(["ensureUv", "installTools"]);
    expect(alone.steps[1]).toMatchObject({ live: true });
    expect(alone.upToDate).toBe(false);
    expect(withToolsStep(plan([], true), [], "r").steps).toEqual([]);
  });
});
