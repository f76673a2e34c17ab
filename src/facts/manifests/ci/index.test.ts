// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CI files write ${{ expressions }} literally.
import { describe, expect, it } from "vitest";
import { ciExtras, ciReader, extrasOf } from "./index.js";

describe("the extras CI installs", () => {
  it("reads uv sync, pip install -e .[x] and poetry install commands", () => {
    expect(extrasOf("uv sync --frozen --all-extras --dev --python 3.12")).toEqual(["*"]);
    expect(extrasOf("uv sync --extra cli --extra=ws")).toEqual(["cli", "ws"]);
    expect(extrasOf("uv run --extra ${{ matrix.extra }} pytest")).toEqual([]);
    expect(extrasOf('python -m pip install -e ".[test,docs]"')).toEqual(["test", "docs"]);
    expect(extrasOf("uv pip install '.[test]' pytest-xdist")).toEqual(["test"]);
    expect(extrasOf("pip install ./[dev]")).toEqual(["dev"]);
    expect(extrasOf("pip install other[test]")).toEqual([]);
    expect(extrasOf('poetry install -E "postgres mysql" --with dev')).toEqual(["postgres", "mysql"]);
    expect(extrasOf("poetry install --all-extras")).toEqual(["*"]);
    expect(extrasOf("pytest -k extra")).toEqual([]);
  });

  it("finds the commands in a workflow with their lines (mcp)", () => {
    const workflow = [
      "jobs:",
      "  test:",
      "    steps:",
      "      - uses: astral-sh/setup-uv@v3",
      "      - name: Install the project",
      "        run: uv sync --frozen --all-extras --dev --python 3.12",
      "      - run: |",
      "          python -m pip install \\",
      "            -e .[test]",
      "          uv run --frozen --no-sync pytest",
      "",
    ].join("\n");
    expect(ciExtras(workflow, ".github/workflows/shared.yml")).toEqual([
      {
        extra: "*",
        file: ".github/workflows/shared.yml",
        line: 6,
        how: "uv sync --frozen --all-extras --dev --python 3.12",
      },
      {
        extra: "test",
        file: ".github/workflows/shared.yml",
        line: 8,
        how: "python -m pip install -e .[test]",
      },
    ]);
    expect(ciReader.claims(".github/workflows/test.yaml")).toBe(true);
    expect(ciReader.claims(".github/dependabot.yml")).toBe(false);
    expect(
      ciReader.read(
        { path: ".travis.yml", text: "script: pytest\n" },
        {
          readFile: () => {
            throw new Error("unused");
          },
          exists: () => false,
        },
      ),
    ).toEqual([]);
  });
});
