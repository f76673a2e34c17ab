/**
 * Which runner a project's tests use, from the evidence in its files, and the command that runs them in
 * the environment dhtl built. nox and tox come first (a project with a noxfile runs its tests through it),
 * then pytest, then the standard library's unittest.
 */
import type { TestEvidence } from "../../facts/test-evidence.js";
import type { TestRunner } from "./types.js";

export function chooseTestRunner(evidence: TestEvidence): TestRunner {
  const has = (file: string) => evidence.files.includes(file);
  const section = (name: string) => evidence.sections.includes(name);
  const declared = (name: string) => evidence.declared.includes(name);
  if (has("noxfile.py")) return { kind: "nox", evidence: "noxfile.py", declared: declared("nox") };
  const tox = has("tox.ini")
    ? "tox.ini"
    : section("tool.tox")
      ? "[tool.tox] in pyproject.toml"
      : section("tox:tox")
        ? "[tox:tox] in setup.cfg"
        : null;
  if (tox) return { kind: "tox", evidence: tox, declared: declared("tox") };
  if (declared("pytest")) return { kind: "pytest", evidence: "pytest is a declared dependency" };
  if (section("tool.pytest.ini_options"))
    return { kind: "pytest", evidence: "[tool.pytest.ini_options] in pyproject.toml" };
  if (section("tool:pytest")) return { kind: "pytest", evidence: "[tool:pytest] in setup.cfg" };
  for (const file of ["pytest.ini", "conftest.py", "tests/conftest.py", "test/conftest.py"]) {
    if (has(file)) return { kind: "pytest", evidence: file };
  }
  if (evidence.hasTestFiles)
    return { kind: "unittest", evidence: "test_*.py files, no pytest", startDir: evidence.testDir };
  return { kind: "none", evidence: "no tests found" };
}

/**
 * The test command for one matrix entry, run from the project root with the environment in `.venv`. A tox
 * or nox the lock does not install runs through uvx, at the version `.dhtconfig` records when it does.
 */
export function testCommand(
  runner: TestRunner,
  /** The Python minor (`3.12`) and tox's environment for it (`py312`): values, or CI expressions. */
  python: { minor: string; toxEnv: string },
  tools: Record<string, string>,
): string[] | null {
  const venvPython = ".venv/bin/python";
  switch (runner.kind) {
    case "nox":
    case "tox": {
      const args = runner.kind === "nox" ? ["--force-python", python.minor] : ["-e", python.toxEnv];
      if (runner.declared) return [venvPython, "-m", runner.kind, ...args];
      const pinned = tools[runner.kind];
      return ["uvx", "--from", pinned ? `${runner.kind}==${pinned}` : runner.kind, runner.kind, ...args];
    }
    case "pytest":
      return [venvPython, "-m", "pytest"];
    case "unittest":
      return runner.startDir
        ? [venvPython, "-m", "unittest", "discover", "-s", runner.startDir]
        : [venvPython, "-m", "unittest", "discover"];
    case "none":
      return null;
  }
}
