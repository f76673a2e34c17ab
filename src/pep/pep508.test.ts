import { describe, expect, it } from "vitest";
import { formatRequirement, normalizeRequirement, Pep508Error, parseRequirement } from "./pep508.js";

describe("parseRequirement", () => {
  it("reads name, sorted extras, specifier and marker", () => {
    expect(parseRequirement('requests [socks, security] >= 2.31 , < 3 ; python_version >= "3.9"')).toEqual({
      name: "requests",
      extras: ["security", "socks"],
      specifier: ">=2.31,<3",
      url: null,
      marker: 'python_version >= "3.9"',
    });
  });

  it("accepts a parenthesised specifier, ===, ~= and wildcards", () => {
    expect(parseRequirement("Foo (>=1.0, <2)").specifier).toBe(">=1.0,<2");
    expect(parseRequirement("foo===1.0-weird.build").specifier).toBe("===1.0-weird.build");
    expect(parseRequirement("foo~=1.4.2").specifier).toBe("~=1.4.2");
    expect(parseRequirement("foo==1.*").specifier).toBe("==1.*");
    expect(parseRequirement("foo!=1.5.*").specifier).toBe("!=1.5.*");
  });

  it("keeps names with dots, dashes and underscores as written", () => {
    expect(parseRequirement("zope.interface").name).toBe("zope.interface");
    expect(parseRequirement("Django_Rest-framework==3.14").name).toBe("Django_Rest-framework");
  });

  it("reads URL requirements (https, git+https with ref, file)", () => {
    expect(
      parseRequirement("pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee"),
    ).toMatchObject({
      name: "pip",
      url: "https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
      specifier: "",
    });
    const git = parseRequirement(
      'mylib[cli] @ git+https://github.com/o/r.git@v1.2 ; sys_platform == "linux"',
    );
    expect(git).toMatchObject({ name: "mylib", extras: ["cli"], url: "git+https://github.com/o/r.git@v1.2" });
    expect(git.marker).toBe('sys_platform == "linux"');
    expect(parseRequirement("local @ file:///tmp/local-1.0.tar.gz").url).toBe("file:///tmp/local-1.0.tar.gz");
  });

  it("treats ';' glued to a URL as part of the URL, as the grammar says", () => {
    expect(parseRequirement("x @ https://h/x.zip;a=b").url).toBe("https://h/x.zip;a=b");
  });

  it("reads markers with and/or/parentheses, in / not in, and every variable", () => {
    const r = parseRequirement(
      "x; (os_name=='nt' or sys_platform in 'linux darwin') and platform_machine not in \"arm64\" and extra == 'test'",
    );
    expect(r.marker).toBe(
      '(os_name == "nt" or sys_platform in "linux darwin") and platform_machine not in "arm64" and extra == "test"',
    );
    for (const variable of [
      "python_version",
      "python_full_version",
      "os_name",
      "sys_platform",
      "platform_release",
      "platform_system",
      "platform_version",
      "platform_machine",
      "platform_python_implementation",
      "implementation_name",
      "implementation_version",
      "extra",
    ]) {
      expect(parseRequirement(`x; ${variable} == "1"`).marker).toBe(`${variable} == "1"`);
    }
  });

  it.each([
    ["", 1, "expected a distribution name"],
    ["foo-", 4, "must end with a letter or digit"],
    ["foo>=", 6, "expected a version after '>='"],
    ["foo=1.0", 4, "did you mean '=='"],
    ["foo>=1.0,", 10, "expected a version operator"],
    ["foo[bar", 8, "expected ',' or ']'"],
    ["foo (>=1.0", 11, "expected ')'"],
    ["foo; python_version >= ", 24, "expected a marker variable or a quoted string"],
    ["foo; bogus == '1'", 6, "unknown marker variable 'bogus'"],
    ["foo; os_name = 'nt'", 14, "expected a marker operator"],
    ["foo; os_name == 'nt", 17, "unterminated string"],
    ["foo @ ", 7, "expected a URL"],
    ["foo @ not-a-url", 7, "expected a URL with a scheme"],
    ["foo >=1.*", 7, "invalid PEP 440 specifier"],
    ["foo==1.0 bar", 10, "unexpected text"],
    ["foo; os_name == 'nt' and", 25, "expected a marker variable"],
  ])("rejects %j at column %i", (text, column, message) => {
    let caught: unknown;
    try {
      parseRequirement(text);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Pep508Error);
    expect((caught as Pep508Error).column).toBe(column);
    expect((caught as Pep508Error).message).toContain(message);
  });
});

describe("formatRequirement", () => {
  it("writes the canonical form", () => {
    expect(normalizeRequirement("Foo [b,a] (>= 1.0 , < 2) ; python_version>='3.8'")).toBe(
      'Foo[a,b]>=1.0,<2; python_version >= "3.8"',
    );
    expect(normalizeRequirement("x@https://h/x.whl ;os_name=='nt'")).toBe(
      'x @ https://h/x.whl ; os_name == "nt"',
    );
  });

  it("round-trips: formatting a parsed requirement and parsing it again changes nothing", () => {
    for (const text of [
      "a",
      "a[x]",
      "a>=1,!=1.5.*,<2",
      'a @ git+https://h/r@v1 ; extra == "t"',
      "a; os_name == 'x'",
    ]) {
      const once = formatRequirement(parseRequirement(text));
      expect(formatRequirement(parseRequirement(once))).toBe(once);
    }
  });
});
