import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { run } from "../core/exec.js";
import { normalizeVersionInfo, readVenvPython } from "./venv-info.js";

afterAll(removeTempDirs);

describe("readVenvPython", () => {
  it("reads a stdlib venv (which writes `version`, not `implementation`)", async () => {
    const venv = join(tempDir(), "venv");
    const made = await run("python3", ["-m", "venv", "--without-pip", venv]);
    expect(made.code).toBe(0);
    const actual = (
      await run(join(venv, "bin", "python"), ["-c", "import platform; print(platform.python_version())"])
    ).stdout.trim();
    expect(readVenvPython(venv)).toEqual({ implementation: "cpython", version: actual });
  });

  it("reads virtualenv's long form and pre-releases", () => {
    const venv = tempDir();
    writeFileSync(
      join(venv, "pyvenv.cfg"),
      "home = /x\nimplementation = PyPy\nversion_info = 3.10.14.final.0\n",
    );
    expect(readVenvPython(venv)).toEqual({ implementation: "pypy", version: "3.10.14" });
    expect(normalizeVersionInfo("3.13.0.candidate.1")).toBe("3.13.0rc1");
    expect(normalizeVersionInfo("3.14.0a2")).toBe("3.14.0a2");
    expect(normalizeVersionInfo("junk")).toBeNull();
  });

  it("says a directory without pyvenv.cfg is not an environment", () => {
    expect(() => readVenvPython(tempDir())).toThrow(/not a virtual environment/);
  });
});
