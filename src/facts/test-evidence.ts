/**
 * What a project's files say about how its tests run: nox/tox/pytest configuration, conftest files, test
 * files and the folder that holds them. Read-only, and only reading: nothing in the project runs.
 */
import { existsSync, lstatSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parseIni } from "../formats/ini.js";
import { tryParseToml } from "../formats/toml.js";
import { tableAt } from "../formats/toml-table.js";
import { allDeclared, requirementName } from "./collect.js";
import { listSourceFiles } from "./imports/walk.js";
import type { ProjectModel } from "./types.js";

/** What the project's files say about its tests. */
export interface TestEvidence {
  /** Root-relative files that exist among noxfile.py, tox.ini, pytest.ini, conftest.py, tests/conftest.py … */
  files: string[];
  /** Configuration tables found: `tool.pytest.ini_options`, `tool.tox` (pyproject), `tool:pytest`, `tox:tox` (setup.cfg). */
  sections: string[];
  /** Normalised names of every declared dependency (all groups and extras). */
  declared: string[];
  /** The folder holding the tests (`tests`, `test`), or null when they sit elsewhere. */
  testDir: string | null;
  /** True when some `test_*.py` / `*_test.py` file exists. */
  hasTestFiles: boolean;
}

const MARKER_FILES = [
  "noxfile.py",
  "tox.ini",
  "pytest.ini",
  "conftest.py",
  "tests/conftest.py",
  "test/conftest.py",
];
const TEST_DIRS = ["tests", "test"];

export async function collectTestEvidence(root: string, project: ProjectModel): Promise<TestEvidence> {
  const files = MARKER_FILES.filter((file) => isFile(join(root, file)));
  const python = (await listSourceFiles(root)).python;
  return {
    files,
    sections: [...pyprojectSections(root), ...setupCfgSections(root)],
    declared: [
      ...new Set(
        allDeclared(project)
          .map(requirementName)
          .filter((n): n is string => n !== null),
      ),
    ].sort(),
    testDir: TEST_DIRS.find((dir) => isDirectory(join(root, dir))) ?? null,
    hasTestFiles: python.some((file) => /^test_.*\.py$|_test\.py$/.test(basename(file))),
  };
}

/** `tool.pytest.ini_options` and `tool.tox` when pyproject.toml has them; nothing when it is unreadable. */
function pyprojectSections(root: string): string[] {
  const text = readSmallText(join(root, "pyproject.toml"));
  if (text === null) return [];
  // A malformed pyproject.toml is reported by the manifest readers; here it only says nothing.
  const { doc } = tryParseToml(text);
  if (!doc) return [];
  return [
    ...(tableAt(doc, ["tool", "pytest", "ini_options"]) ? ["tool.pytest.ini_options"] : []),
    ...(tableAt(doc, ["tool", "tox"]) ? ["tool.tox"] : []),
  ];
}

function setupCfgSections(root: string): string[] {
  const text = readSmallText(join(root, "setup.cfg"));
  if (text === null) return [];
  try {
    const sections = parseIni(text, "setup.cfg").sections;
    return ["tool:pytest", "tox:tox"].filter((name) => sections.has(name));
  } catch {
    return [];
  }
}

/** A regular file's text (never through a symlink, never a huge one); null otherwise. */
function readSmallText(path: string): string | null {
  if (!isFile(path) || lstatSync(path).size > 1024 * 1024) return null;
  return readFileSync(path, "utf8");
}

function isFile(path: string): boolean {
  return existsSync(path) && lstatSync(path).isFile();
}

function isDirectory(path: string): boolean {
  return existsSync(path) && lstatSync(path).isDirectory();
}
