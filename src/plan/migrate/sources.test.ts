import { describe, expect, it } from "vitest";
import { convertIndexes, gitSource, splitDirectReference, stripCredentials } from "./sources.js";

describe("direct references → uv sources", () => {
  it("splits git URLs into url, revision and subdirectory; a git@ user is not a revision", () => {
    expect(gitSource("git+https://github.com/o/r.git@v1.2#subdirectory=pkg")).toEqual({
      git: "https://github.com/o/r.git",
      rev: "v1.2",
      subdirectory: "pkg",
    });
    expect(gitSource("git+ssh://git@github.com/o/r.git")).toEqual({ git: "ssh://git@github.com/o/r.git" });
    expect(gitSource("git+ssh://git@github.com/o/r.git@main")).toEqual({
      git: "ssh://git@github.com/o/r.git",
      rev: "main",
    });
  });

  it("keeps extras and markers on the requirement, and moves archives and files to sources", () => {
    expect(
      splitDirectReference('pkg[a] @ https://example.org/pkg-1.0-py3-none-any.whl ; python_version < "3.12"'),
    ).toEqual({
      requirement: 'pkg[a]; python_version < "3.12"',
      name: "pkg",
      source: { url: "https://example.org/pkg-1.0-py3-none-any.whl" },
      problem: null,
    });
    expect(splitDirectReference("pkg @ file:///opt/wheels/pkg.whl").source).toEqual({
      path: "/opt/wheels/pkg.whl",
    });
    expect(splitDirectReference("six>=1.16").source).toBeNull();
  });

  it("leaves non-git VCS URLs as direct references and says why", () => {
    const split = splitDirectReference("pkg @ hg+https://hg.example.org/pkg");
    expect(split.requirement).toBe("pkg @ hg+https://hg.example.org/pkg");
    expect(split.problem).toMatch(/only git/);
  });

  it("strips credentials, masked or not, and never keeps them", () => {
    expect(stripCredentials("https://user:****@host/simple")).toEqual({
      url: "https://host/simple",
      hadCredentials: true,
    });
    expect(stripCredentials("https://host/simple")).toEqual({
      url: "https://host/simple",
      hadCredentials: false,
    });
    const split = splitDirectReference("pkg @ git+https://token@github.com/o/pkg.git@v1");
    expect(split.source).toEqual({ git: "https://github.com/o/pkg.git", rev: "v1" });
    expect(split.problem).toMatch(/credentials removed/);
  });

  it("drops PyPI as an index unless a dependency names it", () => {
    const pypi = { name: "pypi", url: "https://pypi.org/simple", file: "Pipfile", kind: "default" as const };
    expect(convertIndexes([pypi], new Set()).indexes).toEqual([]);
    expect(convertIndexes([pypi], new Set(["pypi"])).indexes).toEqual([
      { name: "pypi", url: "https://pypi.org/simple", default: true },
    ]);
  });
});
