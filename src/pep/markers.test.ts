import { describe, expect, it } from "vitest";
import { evaluateMarker, markerEnvironmentFor, normalizeMarker, parseMarker } from "./markers.js";

const linux311 = markerEnvironmentFor("3.11.7", "linux");
const win38 = markerEnvironmentFor("3.8.10", "win32");

describe("markerEnvironmentFor", () => {
  it("describes CPython on the target platform", () => {
    expect(linux311).toMatchObject({
      python_version: "3.11",
      python_full_version: "3.11.7",
      os_name: "posix",
      sys_platform: "linux",
      platform_system: "Linux",
      implementation_name: "cpython",
    });
    expect(win38).toMatchObject({ os_name: "nt", sys_platform: "win32", platform_machine: "AMD64" });
  });
});

describe("evaluateMarker", () => {
  it("compares python versions as PEP 440 versions, not strings", () => {
    // As strings "3.11" < "3.9"; as versions it is greater.
    expect(evaluateMarker('python_version >= "3.9"', linux311)).toBe(true);
    expect(evaluateMarker('python_version < "3.10"', linux311)).toBe(false);
    expect(evaluateMarker('python_full_version < "3.8.11"', win38)).toBe(true);
    expect(evaluateMarker('python_version == "3.*"', linux311)).toBe(true);
    expect(evaluateMarker('python_version ~= "3.8"', win38)).toBe(true);
    // Variable on the right: the literal is the left-hand side.
    expect(evaluateMarker('"3.9" < python_version', linux311)).toBe(true);
  });

  it("lets pre-release interpreters match, as packaging does", () => {
    const rc = markerEnvironmentFor("3.13.0rc1", "linux");
    expect(evaluateMarker('python_full_version >= "3.13.0rc1"', rc)).toBe(true);
    expect(evaluateMarker('python_version >= "3.13"', rc)).toBe(true);
  });

  it("compares other variables as strings, with in / not in", () => {
    expect(evaluateMarker('sys_platform == "win32"', win38)).toBe(true);
    expect(evaluateMarker('sys_platform == "win32"', linux311)).toBe(false);
    expect(evaluateMarker('sys_platform in "linux darwin"', linux311)).toBe(true);
    expect(evaluateMarker('platform_machine not in "arm64 aarch64"', linux311)).toBe(true);
    // Not a PEP 440 version, so compared as text, like packaging does.
    const azure = { ...linux311, platform_release: "5.15.0-1034-azure" };
    expect(evaluateMarker('platform_release == "5.15.0-1034-azure"', azure)).toBe(true);
    expect(evaluateMarker('platform_release >= "5.4"', azure)).toBe(false);
  });

  it("honours and/or precedence and parentheses", () => {
    expect(evaluateMarker('os_name == "nt" or os_name == "posix" and python_version < "3"', linux311)).toBe(
      false,
    );
    expect(
      evaluateMarker('(os_name == "nt" or os_name == "posix") and python_version >= "3"', linux311),
    ).toBe(true);
  });

  it("matches extra by normalised name and is false when no extra is requested", () => {
    expect(evaluateMarker('extra == "Dev_Tools"', linux311, { extras: ["dev-tools"] })).toBe(true);
    expect(evaluateMarker('extra == "test"', linux311)).toBe(false);
    expect(evaluateMarker('extra == "test" or extra == "docs"', linux311, { extras: ["docs"] })).toBe(true);
    expect(evaluateMarker('"test" in extras', linux311, { extras: ["test"] })).toBe(true);
    expect(evaluateMarker('"dev" in dependency_groups', linux311, { dependencyGroups: [] })).toBe(false);
  });
});

describe("parseMarker / normalizeMarker", () => {
  it("normalises spacing and quotes, keeps parentheses and maps legacy names", () => {
    expect(normalizeMarker("python_version>='3.8'and(os.name=='nt')")).toBe(
      'python_version >= "3.8" and (os_name == "nt")',
    );
    expect(normalizeMarker(`platform_version == 'say "hi"'`)).toBe(`platform_version == 'say "hi"'`);
  });

  it("builds a tree with and binding tighter than or", () => {
    const tree = parseMarker('os_name == "a" or os_name == "b" and os_name == "c"');
    expect(tree.kind).toBe("or");
  });

  it("rejects trailing garbage with the column", () => {
    expect(() => parseMarker('os_name == "nt" xor')).toThrow(/column 17/);
  });
});
