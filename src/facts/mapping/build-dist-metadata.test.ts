import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runChecked } from "../../core/exec.js";

const repo = join(import.meta.dirname, "..", "..", "..");
const dir = mkdtempSync(join(tmpdir(), "dhtl-dist-metadata-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real wheel file (a zip laid out as PEP 427 says), written by Python's zipfile. */
async function wheel(): Promise<string> {
  const path = join(dir, "demo_plugin-1.0-py3-none-any.whl");
  const files: Record<string, string> = {
    "demo_plugin/__init__.py": "",
    "demo_plugin-stubs/__init__.pyi": "",
    "demo_plugin_patch.pth": "import demo_plugin\n",
    "demo_plugin-1.0.dist-info/METADATA":
      'Metadata-Version: 2.1\nName: demo-plugin\nVersion: 1.0\nRequires-Dist: requests\nRequires-Dist: lxml ; extra == "fast"\nRequires-Dist: demo-plugin[fast] ; extra == "all"\nProvides-Extra: fast\n',
    "demo_plugin-1.0.dist-info/entry_points.txt":
      "[console_scripts]\ndemo = demo_plugin:main\n\n[pytest11]\ndemo = demo_plugin.plugin\n",
    "demo_plugin-1.0.data/scripts/demo-bin": "#!/bin/sh\n",
    "demo_plugin-1.0.dist-info/RECORD": "",
  };
  await runChecked("python3", [
    "-c",
    "import json,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],'w')\nfor n,t in json.loads(sys.argv[2]).items(): z.writestr(n,t)\nz.close()",
    path,
    JSON.stringify(files),
  ]);
  return path;
}

describe("scripts/build-dist-metadata.py", () => {
  it("reads scripts, entry points, extras, requirements, stubs and start-up files from a real wheel", async () => {
    const output = join(dir, "out.json");
    await runChecked("python3", [
      join(repo, "scripts", "build-dist-metadata.py"),
      "--file",
      await wheel(),
      "--output",
      output,
    ]);
    const table = JSON.parse(readFileSync(output, "utf8")) as { distributions: Record<string, unknown> };
    expect(table.distributions["demo-plugin"]).toEqual({
      name: "demo-plugin",
      source: "demo_plugin-1.0-py3-none-any.whl",
      modules: ["demo_plugin"],
      scripts: ["demo", "demo-bin"],
      entryPoints: { pytest11: ["demo"] },
      extras: { all: ["lxml"], fast: ["lxml"] },
      requires: ["requests"],
      stubs: ["demo_plugin"],
      startup: ["demo_plugin_patch.pth"],
    });
  });
});
