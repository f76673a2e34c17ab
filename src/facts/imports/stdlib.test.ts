import { describe, expect, it } from "vitest";
import { isStdlibModule, stdlibVersions } from "./stdlib.js";

describe("isStdlibModule", () => {
  it("covers every pyenv minor version from 2.7 to 3.13", () => {
    expect(stdlibVersions()).toEqual(["2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13"]);
  });

  it("knows per version which modules exist", () => {
    expect(isStdlibModule("distutils", "3.11")).toBe(true);
    expect(isStdlibModule("distutils", "3.12.1")).toBe(false);
    expect(isStdlibModule("tomllib", "3.10")).toBe(false);
    expect(isStdlibModule("tomllib", "3.11")).toBe(true);
    expect(isStdlibModule("ConfigParser", "2.7")).toBe(true);
    expect(isStdlibModule("ConfigParser", "3.12")).toBe(false);
  });

  it("includes other platforms' modules and __future__", () => {
    expect(isStdlibModule("winreg", "3.8")).toBe(true);
    expect(isStdlibModule("msvcrt", "3.12")).toBe(true);
    expect(isStdlibModule("__future__", "3.13")).toBe(true);
  });

  it("uses the union of 3.x lists without a version and the newest list for a newer one", () => {
    expect(isStdlibModule("distutils")).toBe(true);
    expect(isStdlibModule("tomllib")).toBe(true);
    expect(isStdlibModule("ConfigParser")).toBe(false);
    expect(isStdlibModule("tomllib", "3.14")).toBe(true);
    // Modules newer than every bundled list, from 3.14's "What's New".
    expect(isStdlibModule("annotationlib", "3.14")).toBe(true);
    expect(isStdlibModule("annotationlib", "3.15")).toBe(true);
    expect(isStdlibModule("annotationlib", "3.13")).toBe(false);
    expect(isStdlibModule("annotationlib")).toBe(true);
    expect(isStdlibModule("requests")).toBe(false);
    expect(isStdlibModule("yaml", "3.12")).toBe(false);
  });
});
