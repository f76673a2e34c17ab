import { cpSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { collectImports } from "./index.js";

const fixture = join(import.meta.dirname, "../../../test/fixtures/imports/project");
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A private copy of the fixture project, so the test never touches the checkout. */
function copyFixture(): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-imports-"));
  made.push(root);
  cpSync(fixture, root, { recursive: true });
  // Files that cannot be committed: what the fixture's .gitignore ignores, a virtual environment,
  // undecodable sources.
  mkdirSync(join(root, "generated"));
  writeFileSync(join(root, "generated/gen.py"), "import ignored_dep\n");
  mkdirSync(join(root, ".venv/lib/python3.12/site-packages"), { recursive: true });
  writeFileSync(join(root, ".venv/lib/python3.12/site-packages/dep.py"), "import venv_only\n");
  writeFileSync(join(root, "latin.py"), Buffer.from([0x73, 0x3d, 0x22, 0xe9, 0x22, 0x0a]));
  writeFileSync(join(root, "blob.py"), Buffer.from([0x69, 0x00, 0x01]));
  writeFileSync(join(root, "notebooks/broken.ipynb"), '{"cells": [');
  // A sparse 20 MB file: over the limit, and it must be refused before it is read.
  writeFileSync(join(root, "huge.py"), "");
  truncateSync(join(root, "huge.py"), 20 * 1024 * 1024);
  return root;
}

describe("collectImports", () => {
  it("classifies a project's imports as stdlib, local and third-party", async () => {
    const root = copyFixture();
    const { facts, diagnostics, files } = await collectImports(root, {
      pythonVersion: "3.12",
      localNames: ["extra_local"],
    });
    expect(facts.thirdParty).toEqual([
      "click",
      "google",
      // `%matplotlib inline` in the notebook
      "matplotlib",
      "numpy",
      "pandas",
      "pytest",
      "requests",
      "seaborn",
      "setuptools",
      "tomli",
      "ujson",
      "yaml",
    ]);
    expect(facts.local).toEqual(["extra_local", "helpers", "myapp"]);
    expect(facts.stdlib).toEqual(["json", "os", "sys", "typing"]);
    expect(facts.optional).toEqual(["ujson"]);
    expect(facts.typeOnly).toEqual(["pandas"]);
    // 7 .py files and 1 notebook read; latin.py, blob.py, huge.py and broken.ipynb could not be.
    expect(facts.filesScanned).toBe(8);
    expect(files.notebooks).toEqual(["notebooks/analysis.ipynb", "notebooks/broken.ipynb"]);
    expect(files.python).toContain("src/myapp/__init__.py");
    expect(diagnostics.map((d) => [d.file, d.severity])).toEqual([
      ["blob.py", "warning"],
      ["huge.py", "warning"],
      ["latin.py", "warning"],
      ["notebooks/broken.ipynb", "warning"],
    ]);
    expect(diagnostics[0]?.message).toMatch(/NUL/);
    expect(diagnostics[1]?.message).toMatch(/too large \(20971520 bytes\)/);
    expect(diagnostics[2]?.message).toMatch(/UTF-8/);
    expect(diagnostics[3]?.message).toMatch(/notebook JSON/);
  });

  it("records files and full module paths per name, sorted", async () => {
    const root = copyFixture();
    const { facts } = await collectImports(root, {});
    const google = facts.uses.find((use) => use.name === "google");
    expect(google).toEqual({
      name: "google",
      files: ["scripts/run.py", "tests/test_app.py"],
      modules: [
        "google.cloud",
        "google.cloud.bigquery",
        "google.cloud.bigquery.Client",
        "google.cloud.storage",
      ],
      optional: false,
      typeOnly: false,
      kind: "thirdParty",
      roles: ["dev"],
    });
    const yaml = facts.uses.find((use) => use.name === "yaml");
    expect(yaml?.files).toEqual(["src/myapp/__init__.py", "tests/test_app.py"]);
    expect(facts.uses.map((use) => use.name)).toEqual([...facts.uses.map((use) => use.name)].sort());
    // Without a version every 3.x stdlib name counts; relative imports never appear as names.
    expect(facts.stdlib).toContain("json");
    expect(facts.uses.some((use) => use.name === "" || use.name === "util")).toBe(false);
    // Ignored by .gitignore and inside .venv: never scanned.
    expect(facts.thirdParty).not.toContain("ignored_dep");
    expect(facts.thirdParty).not.toContain("venv_only");
  });
});

describe("collectImports on the shapes real projects take", () => {
  function project(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), "dhtl-imports-shapes-"));
    made.push(root);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(root, path, ".."), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it("makes imports optional in a module only optional imports load (structlog's _greenlets.py)", async () => {
    const root = project({
      "pkg/__init__.py": "from .core import run\n",
      "pkg/core.py":
        "try:\n    from ._greenlets import local\nexcept ImportError:\n    local = None\ndef run(): pass\n",
      "pkg/_greenlets.py": "from greenlet import getcurrent\nimport pkg._helpers\n",
      "pkg/_helpers.py": "import gevent\n",
      "pkg/always.py": "import requests\n",
    });
    const { facts } = await collectImports(root, {});
    const use = (name: string) => facts.uses.find((u) => u.name === name);
    expect(use("greenlet")?.optional).toBe(true);
    expect(use("gevent")?.optional).toBe(true);
    expect(use("requests")?.optional).toBe(false);
  });

  it("scans extensionless Python scripts, takes IPython from the kernel, judges roles inside nested projects", async () => {
    const root = project({
      clock: "#!/usr/bin/env python3\nimport babel\n",
      LICENSE: "MIT\n",
      "nb.ipynb": JSON.stringify({
        cells: [{ cell_type: "code", source: "from IPython.display import Image\n" }],
      }),
      "backend/pyproject.toml": '[project]\nname = "app"\nversion = "0"\n',
      "backend/app/__init__.py": "import fastapi\n",
      "backend/tests/test_app.py": "import pytest\nimport app\n",
    });
    const { facts } = await collectImports(root, {});
    expect(facts.thirdParty).toEqual(["babel", "fastapi", "pytest"]);
    expect(facts.stdlib).toContain("IPython");
    expect(facts.local).toContain("app");
    expect(facts.uses.find((u) => u.name === "pytest")?.roles).toEqual(["dev"]);
    expect(facts.uses.find((u) => u.name === "fastapi")?.roles).toEqual(["runtime"]);
  });

  it("gives a PEP 723 script's imports the dev role and collects what it declares", async () => {
    const root = project({
      "tools/check.py":
        '# /// script\n# dependencies = ["ruamel.yaml"]\n# ///\nfrom ruamel.yaml import YAML\n',
    });
    const { facts } = await collectImports(root, {});
    expect(facts.scriptDependencies).toEqual(["ruamel.yaml"]);
    expect(facts.uses.find((u) => u.kind === "thirdParty")?.roles).toEqual(["dev"]);
  });

  it("gives an in-tree build backend (`backend-path`) the build role (yarl's packaging/pep517_backend)", async () => {
    const root = project({
      "packaging/pep517_backend/_backend.py": "from expandvars import expandvars\nimport tomli\n",
      "yarl/__init__.py": "import multidict\n",
    });
    const { facts } = await collectImports(root, { buildDirs: ["packaging"] });
    const roles = (name: string) => facts.uses.find((u) => u.name === name)?.roles;
    expect(roles("expandvars")).toEqual(["build"]);
    expect(roles("tomli")).toEqual(["build"]);
    expect(roles("multidict")).toEqual(["runtime"]);
    // Without the setting the same folder is runtime code.
    const plain = await collectImports(root, {});
    expect(plain.facts.uses.find((u) => u.name === "expandvars")?.roles).toEqual(["runtime"]);
  });

  it("gives another repository's copy (own .github/ or .git) the dev role (jsonschema's json/ test suite)", async () => {
    const root = project({
      "json/.github/workflows/ci.yml": "on: push\n",
      "json/bin/annotate-specification-links": "#!/usr/bin/env python3\nimport uritemplate\n",
      "vendor/lib/.git": "gitdir: ../../.git/modules/lib\n",
      "vendor/lib/tool.py": "import yaml\n",
      "jsonschema/__init__.py": "import referencing\n",
    });
    const { facts } = await collectImports(root, {});
    const roles = (name: string) => facts.uses.find((u) => u.name === name)?.roles;
    expect(roles("uritemplate")).toEqual(["dev"]);
    expect(roles("yaml")).toEqual(["dev"]);
    expect(roles("referencing")).toEqual(["runtime"]);
    // A copy with a manifest of its own is a nested project, judged as one (backend/ with its own CI).
    writeFileSync(join(root, "json/pyproject.toml"), '[project]\nname = "suite"\nversion = "1"\n');
    const nested = await collectImports(root, {});
    expect(nested.facts.uses.find((u) => u.name === "uritemplate")?.roles).toEqual(["runtime"]);
    rmSync(join(root, "json/pyproject.toml"));
    // The project's own .github/ at the top is not another repository.
    rmSync(join(root, "json/.github"), { recursive: true });
    const plain = await collectImports(root, {});
    expect(plain.facts.uses.find((u) => u.name === "uritemplate")?.roles).toEqual(["runtime"]);
  });

  it("makes what only an unimported library module imports optional: its loader brings it (uvicorn's workers.py)", async () => {
    const root = project({
      "uvicorn/__init__.py": "from uvicorn.main import main\n",
      "uvicorn/main.py": "import click\n",
      // gunicorn loads it: `gunicorn -k uvicorn.workers.UvicornWorker`
      "uvicorn/workers.py": "from gunicorn.workers.base import Worker\n",
      // anyio loads its backends by a computed name; trio brings outcome
      "uvicorn/_backends/__init__.py": "",
      "uvicorn/_backends/_trio.py": "import outcome\nfrom . import _shared\n",
      "uvicorn/_backends/_shared.py": "import sniffio\n",
      // run by a console script, by `python -m`, or as a script: entry points, never loaded by name
      "uvicorn/serve.py": "import h11\n",
      "uvicorn/__main__.py": "import httptools\n",
      "uvicorn/tool.py": "import yaml\nif __name__ == '__main__':\n    pass\n",
      // a name frameworks load by convention
      "uvicorn/admin.py": "import wsproto\n",
      // a top-level module is no package module
      "loose.py": "import dotenv\n",
    });
    const optional = async (options: Parameters<typeof collectImports>[1]) => {
      const { facts } = await collectImports(root, options);
      return facts.uses.filter((u) => u.kind === "thirdParty" && u.optional).map((u) => u.name);
    };
    expect(await optional({ libraryModulesLoadedByName: true, entryModules: ["uvicorn.serve"] })).toEqual([
      "gunicorn",
      "outcome",
      "sniffio",
    ]);
    // An application (or a project that says nothing) keeps every such import required.
    expect(await optional({ entryModules: ["uvicorn.serve"] })).toEqual([]);
    // Without the console script, serve.py is loaded by name too.
    expect(await optional({ libraryModulesLoadedByName: true })).toContain("h11");
  });

  it("judges a module new in 3.14 behind its version guard as the standard library (sqlmodel's annotationlib)", async () => {
    const root = project({
      "sqlmodel/_compat.py":
        "import sys\nif sys.version_info >= (3, 14):\n    import annotationlib\nelse:\n    annotationlib = None\n",
    });
    const { facts } = await collectImports(root, { requiresPython: ">=3.9", pythonVersion: "3.13" });
    const use = facts.uses.find((u) => u.name === "annotationlib");
    expect(use?.kind).toBe("stdlib");
  });
});
