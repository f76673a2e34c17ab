import { describe, expect, it } from "vitest";
import {
  ALL_VERSIONS,
  guardOf,
  maskOfMinor,
  maskOfSpecifier,
  maskToMarker,
  negate,
  PYTHON2,
  PYTHON3,
  simpleSpecifierMask,
  versionsOf,
} from "./python-versions.js";

describe("version masks", () => {
  it("reads requires-python, any micro release of a minor counting", () => {
    expect(versionsOf(maskOfSpecifier(">=3.8.1,<3.11")).join(" ")).toBe("3.8 3.9 3.10");
    expect(maskOfSpecifier(">=2.7,!=3.0.*,!=3.1.*,<3.3")).toBe((PYTHON2 | (maskOfMinor("3.2") ?? 0)) >>> 0);
    expect(maskOfMinor("3.12.1")).toBe(maskOfMinor("3.12"));
    expect(maskOfMinor("4.0")).toBeNull();
  });

  it("writes a mask as the shortest PEP 508 marker", () => {
    expect(maskToMarker(guardOf("sys.version_info < (3, 11)") ?? 0)).toBe('python_version < "3.11"');
    expect(maskToMarker(PYTHON3)).toBe('python_version >= "3"');
    expect(maskToMarker(PYTHON2)).toBe('python_version < "3"');
    expect(maskToMarker(ALL_VERSIONS)).toBeNull();
  });
});

describe("guardOf", () => {
  it.each([
    ["sys.version_info >= (3, 8)", ">=3.8"],
    ["sys.version_info > (3, 8)", ">=3.8"],
    ["sys.version_info[:2] > (3, 8)", ">=3.9"],
    ["sys.version_info >= (3, 8, 1)", ">=3.8"],
    ["sys.version_info[0] == 2", "<3"],
    ["sys.version_info.major >= 3", ">=3"],
    ["(3, 10) <= sys.version_info", ">=3.10"],
    ["PY2 or sys.version_info < (3, 5)", "<3.5"],
    ["not six.PY3", "<3"],
  ])("%s", (condition, spec) => {
    const expected =
      spec.startsWith("<3") && spec === "<3" ? PYTHON2 : maskOfSpecifier(spec.replace(/^<3$/, "<3"));
    expect(versionsOf(guardOf(condition) ?? -1)).toEqual(versionsOf(expected));
  });

  it("does not know conditions that depend on anything else, and an `and` keeps what it knows", () => {
    expect(guardOf("os.name == 'nt'")).toBeNull();
    expect(guardOf("sys.version_info >= (3, 8) or WINDOWS")).toBeNull();
    expect(guardOf("sys.version_info >= (3, 8) and WINDOWS")).toBe(maskOfSpecifier(">=3.8"));
    expect(negate(null)).toBeNull();
  });
});

describe("simpleSpecifierMask", () => {
  it.each([
    ">=3.8",
    ">=3.8.1,<3.11",
    ">3.8",
    "<=3.10",
    "<3.11.2",
    "<4",
    ">=3",
    "~=3.9",
    "~=3.9.1",
    "==3.11.*",
    "==3.11.4",
    ">=2.7,!=3.0.*,!=3.1.*,!=3.2.*,!=3.3.*",
    "!=3.8.1",
    ">=3.6, <4.0",
  ])("agrees with the PEP 440 check on %s", (specifier) => {
    const fast = simpleSpecifierMask(specifier);
    expect(fast).not.toBeNull();
    // maskOfSpecifier with a clause the fast path refuses goes through the PEP 440 check: compare both.
    expect(versionsOf(fast ?? 0)).toEqual(versionsOf(maskOfSpecifier(`${specifier}, !=0.0.0.dev0`)));
  });

  it("leaves what it does not read to the PEP 440 check", () => {
    expect(simpleSpecifierMask(">=3.8; extra")).toBeNull();
    expect(simpleSpecifierMask("==3")).toBeNull();
  });
});
