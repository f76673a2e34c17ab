import { describe, expect, it } from "vitest";
import { DhtlError } from "../core/errors.js";
import { run } from "../core/exec.js";
import { iniGet, parseIni } from "./ini.js";

const SAMPLE = [
  "# leading comment",
  "[metadata]",
  "Name = demo",
  "version: 1.0",
  "description = has ; semicolon # and hash",
  "",
  "[options]",
  "install_requires =",
  "    requests>=2",
  "    # a comment inside the value",
  "",
  '    tomli; python_version < "3.11"',
  "  click",
  "zip_safe = False",
  "empty =",
  "",
  "[options.entry_points]",
  "console_scripts =",
  "\tdemo = demo.cli:main",
  "key with spaces = a = b",
  "",
].join("\n");

/** What Python's own configparser (as setuptools uses it) makes of the text: {section: {key: value}}. */
async function pythonConfigparser(text: string): Promise<Record<string, Record<string, string>>> {
  const script = [
    "import configparser, json, sys",
    "p = configparser.ConfigParser(interpolation=None)",
    "p.read_string(sys.stdin.read())",
    "print(json.dumps({s: dict(p.items(s, raw=True)) for s in p.sections()}))",
  ].join("\n");
  const result = await run("python3", ["-c", script], { input: text });
  if (result.code !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout) as Record<string, Record<string, string>>;
}

describe("parseIni", () => {
  it("reads exactly what Python's configparser reads", async () => {
    const doc = parseIni(SAMPLE, "setup.cfg");
    const ours: Record<string, Record<string, string>> = {};
    for (const [name, section] of doc.sections) {
      ours[name] = Object.fromEntries([...section.options].map(([k, o]) => [k, o.value]));
    }
    expect(ours).toEqual(await pythonConfigparser(SAMPLE));
  });

  it("keeps the line of every key and of every continuation line", () => {
    const doc = parseIni(SAMPLE, "setup.cfg");
    const requires = iniGet(doc, "options", "INSTALL_REQUIRES");
    expect(requires?.line).toBe(8);
    expect(requires?.lines).toEqual([
      { text: "requests>=2", line: 9 },
      { text: 'tomli; python_version < "3.11"', line: 12 },
      { text: "click", line: 13 },
    ]);
    expect(iniGet(doc, "metadata", "name")?.value).toBe("demo");
    expect(doc.sections.get("options")?.line).toBe(7);
  });

  it("strips inline comments only when asked, and only after whitespace", () => {
    const doc = parseIni("[s]\na = x ;c\nb = x;y\nc = v # note\n", "x.ini", {
      inlineCommentPrefixes: [";", "#"],
    });
    expect(iniGet(doc, "s", "a")?.value).toBe("x");
    expect(iniGet(doc, "s", "b")?.value).toBe("x;y");
    expect(iniGet(doc, "s", "c")?.value).toBe("v");
  });

  it.each([
    ["[a]\nx = 1\n[a]\ny = 2\n", 3, "section [a] already exists"],
    ["[a]\nx = 1\nX = 2\n", 3, "option 'x' in section [a] already exists"],
    ["x = 1\n[a]\n", 1, "no section headers"],
    ["[a]\njust words\n", 2, "expected 'key = value'"],
  ])("rejects what configparser rejects, naming the line (%#)", async (text, line, message) => {
    let error: unknown;
    try {
      parseIni(text, "setup.cfg");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DhtlError);
    expect(error).toMatchObject({ code: "badInput", file: "setup.cfg", line });
    expect((error as Error).message).toContain(message);
    await expect(pythonConfigparser(text)).rejects.toThrow(/Error/);
  });
});
