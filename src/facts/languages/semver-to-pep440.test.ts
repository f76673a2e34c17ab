import { describe, expect, it } from "vitest";
import { semverToPep440 } from "./semver-to-pep440.js";

describe("semverToPep440", () => {
  it.each([
    ["20", "==20.*"],
    ["v20", "==20.*"],
    ["20.x", "==20.*"],
    ["20.18", "==20.18.*"],
    ["v20.18.0", "==20.18.0"],
    ["=20.18.0", "==20.18.0"],
    [">=18 <21", ">=18,<21"],
    [">= 18 < 21", ">=18,<21"],
    [">=18", ">=18"],
    [">18", ">=19"],
    ["<=20", "<21"],
    ["<=20.18.0", "<=20.18.0"],
    ["^20.1", ">=20.1,<21"],
    ["^20.1.2", ">=20.1.2,<21"],
    ["^20", "==20.*"],
    ["^0.3.1", ">=0.3.1,<0.4"],
    ["~20.1.0", ">=20.1.0,<20.2"],
    ["~20.1", "==20.1.*"],
    ["18 - 20", ">=18,<21"],
    ["18.1.0 - 20.2.3", ">=18.1.0,<=20.2.3"],
    ["^18 || ^20", "==20.*"],
    ["16 || >=22 <23 || 20.x", ">=22,<23"],
    ["lts/iron", "==20.*"],
  ])("%s → %s", (request, specifier) => {
    expect(semverToPep440(request)).toEqual({ specifier, note: null });
  });

  it.each(["lts/*", "node", "latest", "*"])("%s means the newest, with a note", (request) => {
    const result = semverToPep440(request);
    expect(result.specifier).toBe("");
    expect(result.note).toContain("newest available");
  });

  it("notes what it cannot read instead of guessing", () => {
    expect(semverToPep440("banana")).toEqual({
      specifier: "",
      note: 'cannot read "banana" as a version range: the newest available is used',
    });
    expect(semverToPep440("^20 || banana").specifier).toBe("==20.*");
    expect(semverToPep440("^20 || banana").note).toContain("ignored");
  });
});
