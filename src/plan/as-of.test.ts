import { describe, expect, it } from "vitest";
import { eraPython } from "../facts/python-releases.js";
import { excludeNewerArgs } from "../run/install.js";
import { chooseResolution, parseAsOf, type ResolutionInputs } from "./as-of.js";

const now = new Date("2026-12-04T12:00:00Z");
const base: ResolutionInputs = { pinnedBy: null, projectDate: "2018-05-26T13:19:57Z", python: "3.6", now };

describe("chooseResolution", () => {
  it("resolves a dormant project without a lock as of its last change", () => {
    expect(chooseResolution(base)).toMatchObject({ excludeNewer: "2018-05-26T13:19:57Z" });
  });

  it("never earlier than 90 days after the interpreter's release", () => {
    expect(chooseResolution({ ...base, python: "3.7" })?.excludeNewer).toBe("2018-09-25T00:00:00Z");
    expect(chooseResolution({ ...base, python: "3.13" })?.excludeNewer).toBe("2025-01-05T00:00:00Z");
    // A Python newer than the table: today's releases are the ones built for it.
    expect(chooseResolution({ ...base, python: "3.99" })?.excludeNewer).toBe("2026-12-04T12:00:00Z");
  });

  it("leaves alone what a lock pins, a project changed within the year, and one with no history", () => {
    expect(chooseResolution({ ...base, pinnedBy: "uv.lock" })).toBeNull();
    expect(chooseResolution({ ...base, projectDate: "2026-01-10T00:00:00Z" })).toBeNull();
    expect(chooseResolution({ ...base, projectDate: null })).toBeNull();
  });

  it("builds a dormant project lock's sdists with the build tools of the lock's time", () => {
    const lock = { ...base, pinnedBy: "Pipfile.lock", projectDate: null, lockDate: "2019-04-02T10:00:00Z" };
    expect(chooseResolution(lock)).toMatchObject({
      excludeNewer: "2019-04-02T10:00:00Z",
      reason: expect.stringMatching(
        /^Pipfile\.lock pins the versions and last changed 2019-04-02, over a year ago/,
      ),
    });
    expect(chooseResolution({ ...lock, lockDate: "2026-06-01T00:00:00Z" })).toBeNull();
    expect(chooseResolution({ ...lock, lockDate: null })).toBeNull();
    expect(chooseResolution({ ...lock, request: { kind: "none" } })).toBeNull();
  });

  it("follows the option first, then the record", () => {
    const recorded = "2019-01-01T00:00:00Z";
    expect(chooseResolution({ ...base, recorded })).toMatchObject({ excludeNewer: recorded });
    expect(chooseResolution({ ...base, recorded, request: { kind: "none" } })).toBeNull();
    expect(
      chooseResolution({ ...base, recorded, request: { kind: "date", date: "2017-03-01T00:00:00Z" } }),
    ).toMatchObject({ excludeNewer: "2017-03-01T00:00:00Z" });
    // `commit` dates a project even when it is recent or locked.
    expect(
      chooseResolution({
        ...base,
        pinnedBy: "uv.lock",
        projectDate: "2026-01-10T00:00:00Z",
        request: { kind: "commit" },
      }),
    ).toMatchObject({ excludeNewer: "2026-01-10T00:00:00Z" });
    expect(() => chooseResolution({ ...base, projectDate: null, request: { kind: "commit" } })).toThrow(
      /no commit history/,
    );
  });
});

describe("parseAsOf", () => {
  it("reads dates, RFC 3339 times (to UTC), commit and none; refuses the rest", () => {
    expect(parseAsOf("2018-05-27")).toEqual({ kind: "date", date: "2018-05-27T00:00:00Z" });
    expect(parseAsOf("2018-05-26T15:19:57+02:00")).toEqual({ kind: "date", date: "2018-05-26T13:19:57Z" });
    expect(parseAsOf("commit")).toEqual({ kind: "commit" });
    expect(parseAsOf("none")).toEqual({ kind: "none" });
    for (const bad of ["yesterday", "2018-13-01", "2018-05-27 10:00", "--foo"])
      expect(() => parseAsOf(bad)).toThrow(/--as-of/);
  });
});

describe("excludeNewerArgs", () => {
  it("dates the dependencies and their build tools, never setuptools older than uv needs or the interpreter runs", () => {
    expect(excludeNewerArgs(null, { python: "3.7" })).toEqual([]);
    expect(excludeNewerArgs("2018-05-27T00:00:00Z", { python: "3.6" })).toEqual([
      "--exclude-newer",
      "2018-05-27T00:00:00Z",
      "--exclude-newer-package",
      "setuptools=2019-02-08T00:00:00Z",
    ]);
    expect(excludeNewerArgs("2018-05-27T00:00:00Z", { python: "3.11" })).toEqual([
      "--exclude-newer",
      "2018-05-27T00:00:00Z",
      "--exclude-newer-package",
      "setuptools=2023-01-22T00:00:00Z",
      "--exclude-newer-package",
      "wheel=2023-01-22T00:00:00Z",
    ]);
    expect(excludeNewerArgs("2024-01-01T00:00:00Z", { project: true })).toContain(
      "hatchling=2100-01-01T00:00:00Z",
    );
  });
});

describe("eraPython", () => {
  it("names the newest CPython whose wheels had been out for 90 days by a date", () => {
    expect(eraPython("2018-05-26T13:19:57Z")).toBe("3.6");
    expect(eraPython("2019-06-25")).toBe("3.7");
    // 3.12.0 came out 2023-10-02: a fortnight later its wheels were still few, so 3.11 is the era's.
    expect(eraPython("2023-10-15T07:42:01Z")).toBe("3.11");
    expect(eraPython("2024-01-01")).toBe("3.12");
    expect(eraPython("2009-01-01")).toBeNull();
  });
});
