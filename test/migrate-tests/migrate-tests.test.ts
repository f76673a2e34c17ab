import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { rewriteTestSource } from "../../src/plan/migrate-tests/rewrite.js";
import { applyMigrateTests, findTestFiles, planMigrateTests } from "../../src/workflows/migrate-tests.js";
import { captureOutput } from "../support/capture-output.js";
import { copyFixtureDir } from "../support/temp-dirs.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/migrate-tests/project");

let python = "";

/** A real pytest in a uv venv of its own, outside the checkout. */
beforeAll(() => {
  const venv = join(mkdtempSync(join(tmpdir(), "dhtl-pytest-venv-")), "venv");
  execFileSync("uv", ["venv", "--quiet", "--python", "python3", venv]);
  python = join(venv, "bin", "python");
  execFileSync("uv", ["pip", "install", "--quiet", "--python", python, "pytest"]);
}, 120_000);

/** Runs pytest on the project and returns the counts from its summary line. */
function runPytest(dir: string): { passed: number; failed: number; summary: string } {
  const result = spawnSync(python, ["-m", "pytest", "-q", "-p", "no:cacheprovider", dir], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
  });
  const summary = result.stdout.trim().split("\n").at(-1) ?? "";
  const count = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(summary)?.[1] ?? 0);
  return { passed: count("passed"), failed: count("failed") + count("error"), summary };
}

describe("migrate tests on the fixture suite, with real pytest", () => {
  test("the suite passes with the same number of tests before and after, and a second run changes nothing", async () => {
    const dir = copyFixtureDir("migrate-tests/project");
    const before = runPytest(dir);
    expect(before.failed, before.summary).toBe(0);
    expect(before.passed).toBe(12);

    const plan = planMigrateTests(dir);
    expect(plan.files.map((f) => f.path)).toEqual(["tests/test_calc.py"]);
    await applyMigrateTests(plan, python);

    const after = runPytest(dir);
    expect(after, after.summary).toMatchObject({ passed: before.passed, failed: 0 });
    expect(planMigrateTests(dir).files).toEqual([]);
  }, 60_000);

  test("comments, multi-line calls and messages survive; classes that need TestCase keep it", () => {
    const plan = planMigrateTests(copyFixtureDir("migrate-tests/project"));
    const file = plan.files[0];
    expect(file?.after).toContain(`        assert (
            add(
                self.numbers[0],  # first
                self.numbers[1],
            )
            == 3  # expected sum
        ), "sum of the first two"`);
    expect(file?.after).toContain('        assert add(1, 2) == 3, "one plus two"  # with a message\n');
    expect(file?.after).toContain("        # Fresh numbers for every test.\n");
    expect(file?.after).toContain("class TestAdd:\n    def setup_method(self):");
    expect(file?.after).toContain("    @classmethod\n    def setup_class(cls):");
    expect(file?.after).toContain('        assert "empty" in str(cm.value)\n');
    expect(file?.after).toContain('        with pytest.raises(ValueError, match=r"nothing to \\w+"):\n');
    expect(file?.after).toContain("        pytest.raises(ZeroDivisionError, divide, 1, 0)\n");
    expect(file?.notes).toEqual([
      "line 77: class CalcChecks keeps unittest.TestCase (pytest collects plain classes only when their name starts with Test)",
      "line 84: class TestCounts keeps unittest.TestCase (it still uses self.assertCountEqual)",
    ]);
    expect(file?.conversions.find((c) => c.line === 21)).toEqual({
      line: 21,
      from: "self.assertEqual( …",
      to: "assert ( …",
    });
  });

  test("a file changed after planning is not written", async () => {
    const dir = copyFixtureDir("migrate-tests/project");
    const plan = planMigrateTests(dir);
    const path = join(dir, "tests/test_calc.py");
    writeFileSync(path, `${readFileSync(path, "utf8")}# edited\n`);
    await expect(applyMigrateTests(plan, python)).rejects.toMatchObject({ code: "refused" });
    expect(readFileSync(path, "utf8")).toContain("self.assertEqual(add(1, 2), 3)");
  });

  test("test files are found by name and folder, skipping hidden folders and venvs", () => {
    expect(findTestFiles(FIXTURE)).toEqual(["tests/test_calc.py"]);
  });
});

describe("rewriteTestSource", () => {
  const rewrite = (body: string) => rewriteTestSource(body).text;

  test("operands that are not atoms get parentheses; keyword msg becomes the assert message", () => {
    expect(rewrite("self.assertEqual(a + b, c if d else e, msg='m')\n")).toBe(
      "assert (a + b) == (c if d else e), 'm'\n",
    );
    expect(rewrite("self.assertTrue(a and b)\n")).toBe("assert a and b\n");
    expect(rewrite("self.assertFalse(not x)\n")).toBe("assert not (not x)\n");
    expect(rewrite("self.assertEqual(a < b, True)\n")).toBe("assert (a < b) == True\n");
  });

  test("calls dhtl cannot bind exactly stay as written", () => {
    const kept = [
      "self.assertEqual(*pair)\n",
      "self.assertEqual(a, b, c, d)\n",
      "self.assertEqual(a, b, unknown=1)\n",
      "x = self.assertTrue(y)\n",
      "self.assertTrue(y).real\n",
      "self.assertAlmostEqual(a, b, places=2, delta=0.1)\n",
    ];
    for (const source of kept) expect(rewrite(source), source).toBe(source);
  });

  test("strings that look like calls are never touched", () => {
    const source = 's = """\nself.assertEqual(a, b)\n"""\nt = f"{x!r} self.assertTrue(y)"\n';
    expect(rewrite(source)).toBe(source);
  });

  test("nose.tools asserts become plain asserts and the import goes when nothing uses it", () => {
    const source = [
      "from nose.tools import assert_equal, ok_, assert_raises",
      "",
      "def test_it():",
      "    assert_equal(f(1), 2)  # keep me",
      "    ok_(g(), 'g holds')",
      "    with assert_raises(KeyError):",
      "        {}['k']",
      "",
    ].join("\n");
    expect(rewrite(source)).toBe(
      [
        "import pytest",
        "",
        "def test_it():",
        "    assert f(1) == 2  # keep me",
        "    assert g(), 'g holds'",
        "    with pytest.raises(KeyError):",
        "        {}['k']",
        "",
      ].join("\n"),
    );
  });

  test("import pytest goes after __future__ imports and is not added twice", () => {
    const source = "from __future__ import annotations\nimport unittest\n\nself.fail('x')\n";
    expect(rewrite(source)).toBe(
      "from __future__ import annotations\nimport pytest\nimport unittest\n\npytest.fail('x')\n",
    );
    const already = "import pytest\nself.skipTest('later')\n";
    expect(rewrite(already)).toBe("import pytest\npytest.skip('later')\n");
  });

  test("a class with super() or subclasses keeps its base and setUp", () => {
    const source = [
      "import unittest",
      "class TestBase(unittest.TestCase):",
      "    def setUp(self):",
      "        super().setUp()",
      "class TestChild(TestBase):",
      "    def test_x(self):",
      "        self.assertTrue(1)",
      "",
    ].join("\n");
    const result = rewriteTestSource(source);
    expect(result.text).toContain("class TestBase(unittest.TestCase):\n    def setUp(self):");
    expect(result.text).toContain("        assert 1\n");
    expect(result.notes).toEqual([
      "line 2: class TestBase keeps unittest.TestCase (other classes inherit from it)",
    ]);
    const alone = rewriteTestSource(source.split("class TestChild")[0] ?? "");
    expect(alone.notes).toEqual(["line 2: class TestBase keeps unittest.TestCase (it calls super())"]);
  });
});

describe("the migrate-tests command", () => {
  test("lists each conversion with file:line, writes only with --yes, and is a no-op afterwards", async () => {
    const { migrateTestsCommand } = await import("../../src/cli/commands/migrate-tests.js");
    const dir = copyFixtureDir("migrate-tests/project");
    const runWith = async (options: Record<string, unknown>) => {
      const out = captureOutput();
      const code = await migrateTestsCommand.run({ args: [dir], options, out, debug: false });
      return { code, text: out.lines.join("\n") };
    };
    const dry = await runWith({ dryRun: true });
    expect(dry.code).toBe(0);
    expect(dry.text).toContain(
      "tests/test_calc.py:16  self.assertEqual(add(1, 2), 3)  →  assert add(1, 2) == 3",
    );
    expect(dry.text).toContain("tests/test_calc.py:63  cm.exception  →  cm.value");
    expect((await runWith({})).code).toBe(4);
    expect(readFileSync(join(dir, "tests/test_calc.py"), "utf8")).toContain("self.assertEqual(add(1, 2), 3)");
    expect((await runWith({ yes: true })).code).toBe(0);
    const again = await runWith({ json: true });
    expect(JSON.parse(again.text)).toMatchObject({ written: false, files: [] });
  }, 30_000);
});

test("CRLF files keep CRLF line endings, inserted lines included", () => {
  const source =
    "import unittest\r\nclass TestX(unittest.TestCase):\r\n    def test_a(self):\r\n        self.assertEqual(\r\n            1,  # one\r\n            1)\r\n";
  const { text } = rewriteTestSource(source);
  expect(text).toBe(
    "import unittest\r\nclass TestX:\r\n    def test_a(self):\r\n        assert (\r\n            1  # one\r\n            == 1\r\n        )\r\n",
  );
});

test("classes that call self.setUp() or use expectedFailure keep their base", () => {
  const calls =
    "import unittest\nclass TestA(unittest.TestCase):\n    def setUp(self):\n        pass\n    def test_a(self):\n        self.setUp()\n";
  expect(rewriteTestSource(calls).notes).toEqual([
    "line 2: class TestA keeps unittest.TestCase (it still uses self.setUp)",
  ]);
  const xfail =
    "import unittest\nclass TestB(unittest.TestCase):\n    @unittest.expectedFailure\n    def test_b(self):\n        self.assertTrue(0)\n";
  const result = rewriteTestSource(xfail);
  expect(result.notes).toEqual(["line 2: class TestB keeps unittest.TestCase (it uses expectedFailure)"]);
  expect(result.text).toContain("class TestB(unittest.TestCase):");
});

describe("migrate tests keeps the suite's meaning (issue 14 item 12)", () => {
  test("decorator arguments, instantiated cases, a project's own TestCase, python_files: same counts before and after", async () => {
    const dir = copyFixtureDir("migrate-tests/patterns");
    const before = runPytest(dir);
    expect(before, before.summary).toMatchObject({ passed: 9, failed: 0 });
    const plan = planMigrateTests(dir);
    expect(plan.files.map((f) => f.path)).toEqual(["tests/test_patterns.py", "tests/tests.py"]);
    const patterns = plan.files[0];
    expect(patterns?.after).toContain("class TestPlain:\n    def setup_method(self):");
    expect(patterns?.after).toContain("class TestInjected(unittest.TestCase):");
    expect(patterns?.after).toContain("class TestInner(unittest.TestCase):");
    expect(patterns?.after).toContain("class TestWithProjectBase(TestCase):");
    expect(patterns?.notes).toContain(
      "line 34: class TestInjected keeps unittest.TestCase (its tests receive arguments from decorators)",
    );
    expect(patterns?.notes).toContain(
      "line 44: class TestInner keeps unittest.TestCase (it is instantiated as TestInner(…), which needs TestCase's constructor)",
    );
    // `import pytest` goes with the other imports, after the docstring and `from __future__`.
    expect(patterns?.after).toContain(
      '"""\nfrom __future__ import annotations\n\nimport pytest\nimport functools\n',
    );
    expect(plan.files[1]?.after).toContain("class TestFoundByPythonFiles:");
    await applyMigrateTests(plan, python);
    const after = runPytest(dir);
    expect(after, after.summary).toMatchObject({ passed: before.passed, failed: 0 });
  }, 60_000);

  test("import pytest after a module docstring and __future__ imports when there is no other import", () => {
    const source =
      '"""Doc."""\nfrom __future__ import annotations\n\n\ndef test_x(self):\n    self.fail("no")\n';
    expect(rewriteTestSource(source).text).toBe(
      '"""Doc."""\nfrom __future__ import annotations\nimport pytest\n\n\ndef test_x(self):\n    pytest.fail("no")\n',
    );
  });
});

test("a project run by unittest (no pytest anywhere) keeps TestCase and gets no pytest calls; unittest runs the same tests", async () => {
  const dir = copyFixtureDir("migrate-tests/project");
  rmSync(join(dir, "conftest.py"));
  const unittestRun = () =>
    spawnSync(python, ["-m", "unittest", "discover", "-s", "tests"], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", PYTHONPATH: dir },
    }).stderr;
  const before = /Ran (\d+) tests/.exec(unittestRun())?.[1];
  expect(Number(before)).toBeGreaterThan(0);
  const plan = planMigrateTests(dir);
  const after = plan.files[0]?.after ?? "";
  expect(after).toContain("class TestAdd(unittest.TestCase):");
  expect(after).not.toMatch(/import pytest|pytest\./);
  expect(after).toContain('        assert add(1, 2) == 3, "one plus two"  # with a message\n');
  await applyMigrateTests(plan, python);
  const output = unittestRun();
  expect(/Ran (\d+) tests/.exec(output)?.[1]).toBe(before);
  expect(output).toMatch(/\nOK\b/);
});
