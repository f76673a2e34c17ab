import { describe, expect, it } from "vitest";
import { run } from "../../../core/exec.js";
import { convertPoetryConstraint, poetryToPep440, poetryToPythonMarker } from "./poetry-constraint.js";

describe("poetryToPep440", () => {
  it.each([
    ["^1.2.3", ">=1.2.3,<2.0.0"],
    ["^1.2", ">=1.2,<2.0"],
    ["^1", ">=1,<2"],
    ["^0.2.3", ">=0.2.3,<0.3.0"],
    ["^0.0.3", ">=0.0.3,<0.0.4"],
    ["^0.0", ">=0.0,<0.1"],
    ["^3.8", ">=3.8,<4.0"],
    ["~1.2.3", ">=1.2.3,<1.3.0"],
    ["~1.2", ">=1.2,<1.3"],
    ["~1", ">=1,<2"],
    ["~=1.4.5", "~=1.4.5"],
    ["*", ""],
    ["", ""],
    ["1.2.*", "==1.2.*"],
    ["1.2.3", "==1.2.3"],
    ["=1.2.3", "==1.2.3"],
    ["==2.0", "==2.0"],
    [">=1.2, <2.0", ">=1.2,<2.0"],
    [">= 1.2 < 2.0", ">=1.2,<2.0"],
    [">=1,!=1.5,<2", ">=1,!=1.5,<2"],
    ["^1.2.3b1", ">=1.2.3b1,<2.0.0"],
  ])("%s → %s", (poetry, pep440) => {
    expect(poetryToPep440(poetry)).toBe(pep440);
  });

  it("turns a union into its hull and says it is not exact", () => {
    const result = convertPoetryConstraint(">=1,<2 || >=3");
    expect(result).toEqual({ specifier: ">=1", exact: false, alternatives: [">=1,<2", ">=3"] });
    expect(convertPoetryConstraint("^1.2 || ^2.0")).toMatchObject({ specifier: ">=1.2,<3.0", exact: false });
    expect(convertPoetryConstraint("1.0.0 | 2.0.0").specifier).toBe(">=1.0.0,<=2.0.0");
    expect(convertPoetryConstraint("* || ^1").specifier).toBe("");
  });

  it("keeps a union of Python versions exact as a marker", () => {
    expect(poetryToPythonMarker("^3.8")).toBe('python_version >= "3.8" and python_version < "4.0"');
    expect(poetryToPythonMarker("~2.7 || >=3.6.1")).toBe(
      '(python_version >= "2.7" and python_version < "2.8") or python_full_version >= "3.6.1"',
    );
    expect(poetryToPythonMarker("*")).toBe("");
  });

  it("produces specifiers and markers that Python's packaging library accepts and agrees with", async () => {
    const cases = ["^1.2.3", "^0.2.3", "~1.2", "~1", "1.2.*", ">=1.2 <2.0", "^1.2 || ^2.0", "~=1.4.5"];
    const specs = cases.map(poetryToPep440);
    const marker = poetryToPythonMarker("~2.7 || >=3.6.1");
    // The real packaging library (pip's vendored copy) is the reference for what pip and uv accept.
    const script = [
      "import json, sys",
      "from pip._vendor.packaging.specifiers import SpecifierSet",
      "from pip._vendor.packaging.markers import Marker",
      "data = json.load(sys.stdin)",
      "out = {s: [v for v in ['0.2.9','0.3.0','1.2.2','1.2.3','1.4.5','1.5','1.9.9','2.0.0','2.5','3.0.0'] if v in SpecifierSet(s)] for s in data['specs']}",
      "m = Marker(data['marker'])",
      "out['marker'] = [m.evaluate({'python_version': v[:3], 'python_full_version': v}) for v in ['2.7.18','3.5.9','3.6.0','3.6.1','3.12.1']]",
      "print(json.dumps(out))",
    ].join("\n");
    const result = await run("python3", ["-c", script], { input: JSON.stringify({ specs, marker }) });
    expect(result.stderr).toBe("");
    const allowed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(allowed[">=1.2.3,<2.0.0"]).toEqual(["1.2.3", "1.4.5", "1.5", "1.9.9"]);
    expect(allowed[">=0.2.3,<0.3.0"]).toEqual(["0.2.9"]);
    expect(allowed[">=1.2,<1.3"]).toEqual(["1.2.2", "1.2.3"]);
    expect(allowed["==1.2.*"]).toEqual(["1.2.2", "1.2.3"]);
    expect(allowed[">=1.2,<3.0"]).toEqual(["1.2.2", "1.2.3", "1.4.5", "1.5", "1.9.9", "2.0.0", "2.5"]);
    expect(allowed.marker).toEqual([true, false, false, true, true]);
  });
});
