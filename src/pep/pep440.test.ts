import { describe, expect, it } from "vitest";
import {
  compareVersions,
  isValidSpecifier,
  isValidVersion,
  maxSatisfying,
  normalizeVersion,
  specifierAllows,
  versionParts,
  versionsEqual,
} from "./pep440.js";

describe("pep440", () => {
  it("validates and normalises versions", () => {
    expect(isValidVersion("2!1.0.post1.dev2+abc")).toBe(true);
    expect(isValidVersion("1.0-foo-bar")).toBe(false);
    expect(normalizeVersion("1.0.0RC1")).toBe("1.0.0rc1");
    expect(normalizeVersion("1.0-1")).toBe("1.0.post1");
    expect(normalizeVersion("nope")).toBeNull();
  });

  it("compares versions by PEP 440 order", () => {
    expect(compareVersions("1.10", "1.9")).toBeGreaterThan(0);
    expect(compareVersions("1.0rc1", "1.0")).toBeLessThan(0);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(() => compareVersions("x", "1")).toThrow(/invalid/);
  });

  it("tells PEP 440 equal versions apart from different or invalid ones", () => {
    expect(versionsEqual("1.0", "1.0.0")).toBe(true);
    expect(versionsEqual("1.0RC1", "1.0rc1")).toBe(true);
    expect(versionsEqual("1.0", "1.0.post1")).toBe(false);
    expect(versionsEqual("nope", "nope")).toBe(true);
    expect(versionsEqual("nope", "1.0")).toBe(false);
  });

  it("splits versions into parts", () => {
    expect(versionParts("1.2rc3.post4.dev5+loc")).toMatchObject({
      release: [1, 2],
      pre: ["rc", 3],
      post: 4,
      dev: 5,
      local: "loc",
      isPrerelease: true,
    });
  });

  it("validates specifiers, including the ones the library is lax about", () => {
    expect(isValidSpecifier(">=1.0, <2")).toBe(true);
    expect(isValidSpecifier("")).toBe(true);
    expect(isValidSpecifier("~=1")).toBe(false);
    expect(isValidSpecifier(">=1.*")).toBe(false);
  });

  it("checks whether a specifier allows a version", () => {
    expect(specifierAllows(">=2.0,<3", "2.5")).toBe(true);
    expect(specifierAllows("~=1.4.2", "1.4.9")).toBe(true);
    expect(specifierAllows("~=1.4.2", "1.5.0")).toBe(false);
    expect(specifierAllows("==1.*", "1.9.3")).toBe(true);
    expect(specifierAllows("!=1.5.*", "1.5.2")).toBe(false);
    expect(specifierAllows("===foo", "foo")).toBe(true);
    expect(specifierAllows(">=1.0", "2.0a1")).toBe(false);
    expect(specifierAllows(">=1.0", "2.0a1", { prereleases: true })).toBe(true);
    expect(specifierAllows("", "anything")).toBe(true);
    expect(specifierAllows(">=1", "not-a-version")).toBe(false);
    expect(maxSatisfying(["1.0", "1.5", "2.0"], "<2")).toBe("1.5");
  });
});
