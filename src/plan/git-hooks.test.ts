import { describe, expect, it } from "vitest";
import { planGitHooks } from "./git-hooks.js";

const installer = {
  argv: ["/p/.venv/bin/python", "-m", "pre_commit", "install"],
  python: "/p/.venv/bin/python",
};

describe("planGitHooks", () => {
  it("installs when a hook type is missing or runs another interpreter", () => {
    expect(
      planGitHooks({ hookTypes: ["pre-commit"], installed: new Map([["pre-commit", null]]), installer }),
    ).toMatchObject({ action: "install", argv: installer.argv });
    expect(
      planGitHooks({
        hookTypes: ["commit-msg", "pre-commit"],
        installed: new Map([
          ["pre-commit", "/p/.venv/bin/python"],
          ["commit-msg", "/old/tool/bin/python"],
        ]),
        installer,
      }),
    ).toMatchObject({ action: "install", reason: expect.stringContaining("commit-msg hook is") });
  });

  it("does nothing when every hook is pre-commit's for this interpreter, or when there is no pre-commit", () => {
    expect(
      planGitHooks({
        hookTypes: ["pre-commit"],
        installed: new Map([["pre-commit", "/p/.venv/bin/python"]]),
        installer,
      }),
    ).toMatchObject({ action: "none", reason: expect.stringContaining("already installed") });
    expect(planGitHooks({ hookTypes: ["pre-commit"], installed: new Map(), installer: null })).toMatchObject({
      action: "none",
    });
  });
});
