import { describe, expect, it } from "vitest";
import { projectModel } from "../../test/support/project-model.js";
import type { DhtlError } from "../core/errors.js";
import { chooseExtras } from "./extras.js";
import { extraRequirements, renderRequirementsInput } from "./requirements-in.js";

const project = projectModel({
  name: "demo",
  dependencies: ["six"],
  optionalDependencies: {
    Test_Tools: ["pytest>=8"],
    docs: ["sphinx"],
    all: ["Demo[test-tools,docs] ; python_version >= '3.8'", "rich"],
    loop: ["demo[loop]"],
  },
});

describe("chooseExtras", () => {
  it("takes the named extras normalised, every declared one, or the recorded ones still declared", () => {
    expect(chooseExtras(project, { extras: "docs, Test.Tools" }, ["all"])).toEqual({
      extras: ["docs", "test-tools"],
      dropped: [],
      defaults: [],
    });
    expect(chooseExtras(project, { allExtras: true }, undefined).extras).toEqual([
      "all",
      "docs",
      "loop",
      "test-tools",
    ]);
    expect(chooseExtras(project, { extras: "" }, ["docs"])).toEqual({
      extras: [],
      dropped: [],
      defaults: [],
    });
    expect(chooseExtras(project, {}, ["docs", "gone"])).toEqual({
      extras: ["docs"],
      dropped: ["gone"],
      defaults: [],
    });
    expect(chooseExtras(project, {}, undefined)).toEqual({ extras: [], dropped: [], defaults: [] });
  });

  it("adds the extras the project's own dev workflow installs, and those named for tests, saying why", () => {
    const workflow = projectModel({
      name: "demo",
      optionalDependencies: { cli: ["typer"], Testing: ["pytest"], docs: ["sphinx"], gui: ["tk"] },
      devExtras: [
        { extra: "CLI", file: "tox.ini", line: 4, how: "extras = CLI" },
        { extra: "undeclared", file: "tox.ini", line: 4, how: "extras = undeclared" },
      ],
    });
    const chosen = chooseExtras(workflow, {}, ["docs"]);
    expect(chosen.extras).toEqual(["cli", "docs", "testing"]);
    expect(chosen.defaults).toEqual([
      { extra: "cli", why: "`extras = CLI` in tox.ini:4" },
      { extra: "testing", why: "named for development and tests" },
    ]);
    // `--all-extras` in CI means every declared extra; the command line still decides alone.
    const all = projectModel({
      ...workflow,
      devExtras: [{ extra: "*", file: ".github/workflows/ci.yml", line: 9, how: "uv sync --all-extras" }],
    });
    expect(chooseExtras(all, {}, undefined).extras).toEqual(["cli", "docs", "gui", "testing"]);
    expect(chooseExtras(all, { extras: "" }, undefined).extras).toEqual([]);
  });

  it("refuses an undeclared extra (listing the declared ones) and both flags at once", () => {
    try {
      chooseExtras(project, { extras: "docs,gui" }, undefined);
      expect.unreachable();
    } catch (error) {
      expect((error as DhtlError).code).toBe("badInput");
      expect((error as DhtlError).message).toBe("the project declares no extra `gui`");
      expect((error as DhtlError).hint).toBe("declared extras: all, docs, loop, test-tools");
    }
    expect(() => chooseExtras(project, { extras: "docs", allExtras: true }, undefined)).toThrow(
      /cannot be used together/,
    );
  });
});

describe("extraRequirements", () => {
  it("follows the project's own extras instead of fetching it, once each, and stops at cycles", () => {
    expect(extraRequirements(project, ["all"])).toEqual(["pytest>=8", "sphinx", "rich"]);
    expect(extraRequirements(project, ["loop"])).toEqual([]);
    expect(extraRequirements(project, [])).toEqual([]);
  });

  it("puts the chosen extras into the compiled input, so its digest tells the choices apart", () => {
    const none = renderRequirementsInput(project);
    const docs = renderRequirementsInput(project, ["docs"]);
    expect(none.content).not.toContain("sphinx");
    expect(docs.content).toContain("sphinx\n");
    expect(docs.digest).not.toBe(none.digest);
  });
});
