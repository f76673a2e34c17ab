import { describe, expect, it } from "vitest";
import { isTable, tableAt } from "./toml-table.js";

describe("isTable", () => {
  it("accepts plain objects only: not arrays, null, dates or scalars", () => {
    expect(isTable({ a: 1 })).toBe(true);
    expect(isTable([])).toBe(false);
    expect(isTable(null)).toBe(false);
    expect(isTable(new Date(0))).toBe(false);
    expect(isTable("x")).toBe(false);
  });
});

describe("tableAt", () => {
  const doc = { tool: { uv: { "dev-dependencies": ["pytest"] }, list: [{}], when: new Date(0) } };

  it("walks nested tables", () => {
    expect(tableAt(doc, ["tool", "uv"])).toEqual({ "dev-dependencies": ["pytest"] });
    expect(tableAt(doc, [])).toBe(doc);
  });

  it("gives null for a missing step or a value that is not a table", () => {
    expect(tableAt(doc, ["tool", "poetry"])).toBeNull();
    expect(tableAt(doc, ["tool", "list"])).toBeNull();
    expect(tableAt(doc, ["tool", "when"])).toBeNull();
    expect(tableAt(doc, ["tool", "uv", "dev-dependencies", "x"])).toBeNull();
  });
});
