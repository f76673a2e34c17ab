import { describe, expect, it } from "vitest";
import { editToml, tidySection } from "./toml-edit.js";

describe("editToml", () => {
  it("keys of a table known only as the parent of sub-tables go in its own [table], not as dotted keys on top", () => {
    const text = '[project]\nname = "x"\n\n[tool.ruff.lint]\nselect = ["I"]\n';
    const out = editToml(text, [{ table: ["tool", "ruff"], set: { "target-version": "py39" } }]);
    expect(out.startsWith("[project]\n")).toBe(true);
    expect(out).toBe(`${text}\n[tool.ruff]\ntarget-version = "py39"\n`);
  });

  it("an array an edit leaves on one long line goes one item per line, in that table only", () => {
    const text =
      '[dependency-groups]\ndev = ["pytest>=8.0,<9", "pytest-cov>=5.0,<6", "mypy>=1.10"]\n\n[other]\ndev = ["a"]\n';
    const out = editToml(text, [
      {
        table: ["dependency-groups"],
        set: { dev: ["pytest>=8.0,<9", "pytest-cov>=5.0,<6", "mypy>=1.10", "ruff", "pre-commit"] },
      },
    ]);
    expect(out).toContain(
      'dev = [\n    "pytest>=8.0,<9",\n    "pytest-cov>=5.0,<6",\n    "mypy>=1.10",\n    "ruff",\n    "pre-commit",\n]\n',
    );
    expect(out).toContain('[other]\ndev = ["a"]\n');
  });
});

describe("tidySection", () => {
  it("drops blank lines right under the header and runs of blank lines, in that table only", () => {
    const text = '[tool.poetry]\n\n\n\ninclude = ["a"]\n\n\n[tool.x]\n\n\nk = 1\n';
    expect(tidySection(text, ["tool", "poetry"])).toBe(
      '[tool.poetry]\ninclude = ["a"]\n\n[tool.x]\n\n\nk = 1\n',
    );
  });
});
