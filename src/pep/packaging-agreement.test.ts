/**
 * Checks our PEP 508 parser and marker evaluation against `packaging` itself (what pip and uv's Python
 * side agree with), run by real Python through uv on the same inputs.
 */
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { evaluateMarker, type MarkerEnvironment, markerEnvironmentFor } from "./markers.js";
import { tryParseRequirement } from "./pep508.js";

const REQUIREMENTS = [
  "requests",
  "requests[socks,security]>=2.31,<3",
  "Foo [b,a] (>= 1.0 , < 2) ; python_version>='3.8'",
  "zope.interface==5.*",
  "foo!=1.5.*,>=1",
  "foo~=1.4.2",
  "foo===1.0-weird",
  "foo; os_name=='nt' and (sys_platform == 'win32' or platform_machine in 'AMD64 x86')",
  'foo; python_version < "3.8" or python_full_version >= "3.11.2"',
  'foo; extra == "test"',
  "foo; platform_python_implementation != 'PyPy' and implementation_name == \"cpython\"",
  "foo; 'linux' in sys_platform",
  "foo; platform_machine not in 'arm64 aarch64'",
  "pip @ https://github.com/pypa/pip/archive/1.3.1.zip#sha1=da9234ee",
  'lib[x] @ git+https://github.com/o/r.git@v1.2 ; python_version >= "3.9"',
  "a-b_c.d>=1.0.post1.dev2",
  "foo==1.0+local.7",
  "foo<=2!1.0",
  "foo==v1.0",
  "foo!=1.0.post1",
  // invalid ones
  "",
  "foo-",
  "foo>=",
  "foo=1.0",
  "foo[bar",
  "foo (>=1.0",
  "foo; python_version >= ",
  "foo; bogus == '1'",
  "foo; os_name = 'nt'",
  "foo @ ",
  "foo==1.0 bar",
  "-foo",
  "foo >=1.*",
  "foo ~=1",
  "foo==1.0rc1.*",
  "foo>=1.0+local",
  "foo~=1.0.*",
  "foo==1.0.*.1",
];

const MARKERS = [
  'python_version >= "3.9"',
  'python_version < "3.10"',
  'python_full_version < "3.8.11"',
  'python_version == "3.*"',
  'python_version ~= "3.8"',
  '"3.9" < python_version',
  'python_version in "3.8 3.9 3.10"',
  'sys_platform == "win32"',
  'sys_platform != "linux" and os_name == "posix"',
  'os_name == "nt" or os_name == "posix" and python_version < "3"',
  '(os_name == "nt" or os_name == "posix") and python_version >= "3"',
  'platform_machine == "AMD64"',
  'platform_system == "Darwin" or platform_system == "Windows"',
  'implementation_name == "cpython" and platform_python_implementation == "CPython"',
  'extra == "test"',
  'platform_release == ""',
  'implementation_version >= "3.11"',
];

function runPackaging(input: unknown): {
  requirements: ({
    name: string;
    extras: string[];
    specs: string[];
    url: string | null;
    marker: string | null;
  } | null)[];
  markers: boolean[][];
} {
  const script = `
import json, sys
from packaging.requirements import Requirement, InvalidRequirement
from packaging.markers import Marker
data = json.load(sys.stdin)
reqs = []
for text in data["requirements"]:
    try:
        r = Requirement(text)
    except InvalidRequirement:
        reqs.append(None)
        continue
    reqs.append({"name": r.name, "extras": sorted(r.extras), "specs": sorted(str(s) for s in r.specifier),
                 "url": r.url, "marker": str(r.marker) if r.marker else None})
markers = [[Marker(m).evaluate(env) for env in data["environments"]] for m in data["markers"]]
print(json.dumps({"requirements": reqs, "markers": markers}))
`;
  const out = execFileSync(
    "uv",
    ["run", "--no-project", "--quiet", "--with", "packaging==25.0", "python", "-c", script],
    {
      input: JSON.stringify(input),
      encoding: "utf8",
    },
  );
  return JSON.parse(out);
}

describe("agreement with packaging 25.0", () => {
  const environments: MarkerEnvironment[] = [
    markerEnvironmentFor("3.11.7", "linux"),
    markerEnvironmentFor("3.8.10", "win32"),
    markerEnvironmentFor("3.12.1", "darwin", "arm64"),
    markerEnvironmentFor("3.13.0rc1", "linux", "aarch64"),
  ];
  const expected = runPackaging({ requirements: REQUIREMENTS, markers: MARKERS, environments });

  it("accepts and rejects the same requirements, with the same parts", () => {
    const ours = REQUIREMENTS.map((text) => {
      const r = tryParseRequirement(text);
      if (!r) return null;
      const specs = r.specifier ? r.specifier.split(",").sort() : [];
      return { name: r.name, extras: r.extras, specs, url: r.url, marker: r.marker };
    });
    expect(expected.requirements.filter((r) => r === null)).toHaveLength(18);
    expect(ours).toEqual(expected.requirements);
  });

  it("evaluates markers the same way", () => {
    const ours = MARKERS.map((marker) => environments.map((env) => evaluateMarker(marker, env)));
    expect(ours).toEqual(expected.markers);
  });
});
