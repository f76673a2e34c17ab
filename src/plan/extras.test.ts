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
    });
    expect(chooseExtras(project, { allExtras: true }, undefined).extras).toEqual([
      "all",
      "docs",
      "loop",
      "test-tools",
    ]);
    expect(chooseExtras(project, { extras: "" }, ["docs"])).toEqual({ extras: [], dropped: [] });
    expect(chooseExtras(project, {}, ["docs", "gone"])).toEqual({ extras: ["docs"], dropped: ["gone"] });
    expect(chooseExtras(project, {}, undefined)).toEqual({ extras: [], dropped: [] });
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
