import { parse } from "smol-toml";
import { describe, expect, test } from "vitest";
import { editToml } from "../../src/formats/toml-edit.js";

describe("editToml", () => {
  test("keys of an existing table are patched in place; a missing table becomes its own section", () => {
    const text = "# top\n[tool.ruff]  # ruff settings\nline-length = 99\n";
    const out = editToml(text, [
      { table: ["tool", "ruff"], set: { "target-version": "py311" } },
      { table: ["tool", "mypy"], set: { python_version: "3.11", strict: true } },
    ]);
    expect(out).toBe(
      '# top\n[tool.ruff]  # ruff settings\nline-length = 99\ntarget-version = "py311"\n\n[tool.mypy]\npython_version = "3.11"\nstrict = true\n',
    );
  });

  test("no edits: the text comes back untouched, byte for byte", () => {
    const text = "a = 1   # odd spacing kept\r\n";
    expect(editToml(text, [])).toBe(text);
  });

  test("a CRLF file stays CRLF", () => {
    const out = editToml('[project]\r\nname = "x"\r\n', [
      { table: ["dependency-groups"], set: { dev: ["a", "b", "c"] } },
    ]);
    expect(out).toBe(
      '[project]\r\nname = "x"\r\n\r\n[dependency-groups]\r\ndev = [\r\n    "a",\r\n    "b",\r\n    "c",\r\n]\r\n',
    );
    expect(parse(out)).toEqual({ project: { name: "x" }, "dependency-groups": { dev: ["a", "b", "c"] } });
  });

  test("a key that is not a table is bad input naming it", () => {
    expect(() => editToml("tool = 1\n", [{ table: ["tool", "ruff"], set: { x: 1 } }])).toThrow(
      "[tool] is not a table",
    );
  });

  test("a parent written as an inline table is extended inline, since a section cannot extend it", () => {
    const out = editToml("tool = { ruff = { x = 1 } }\n", [{ table: ["tool", "mypy"], set: { y: 2 } }]);
    expect(parse(out)).toEqual({ tool: { ruff: { x: 1 }, mypy: { y: 2 } } });
    expect(out).toBe("tool = { ruff = { x = 1 }, mypy = { y = 2 } }\n");
  });
});
