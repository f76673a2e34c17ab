import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { isIgnored, parseGitignore } from "./gitignore.js";
import { listSourceFiles } from "./walk.js";

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "dhtl-walk-"));
  made.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe("listSourceFiles", () => {
  it("lists .py and .ipynb files sorted, skipping environments, caches and build output", async () => {
    const root = project({
      "app.py": "",
      "pkg/__init__.py": "",
      "pkg/build/__init__.py": "", // a package that happens to be called build is source
      "nb/explore.ipynb": "{}",
      ".venv/lib/python3.12/site-packages/x.py": "",
      "env311/pyvenv.cfg": "home = /usr/bin\n",
      "env311/lib/y.py": "",
      "node_modules/z/setup.py": "",
      "build/lib/pkg/__init__.py": "",
      "dist/old.py": "",
      "pkg.egg-info/top.py": "",
      ".tox/py312/t.py": "",
      "pkg/__pycache__/c.py": "",
      ".git/hooks/h.py": "",
      "nb/.ipynb_checkpoints/explore-checkpoint.ipynb": "{}",
      "README.md": "",
    });
    const found = await listSourceFiles(root);
    expect(found.python).toEqual(["app.py", "pkg/__init__.py", "pkg/build/__init__.py"]);
    expect(found.notebooks).toEqual(["nb/explore.ipynb"]);
    expect(found.diagnostics).toEqual([]);
  });

  it("does not follow symlinked directories, so a loop terminates", async () => {
    const root = project({ "a/mod.py": "" });
    symlinkSync(join(root, "a"), join(root, "a", "loop"));
    symlinkSync(join(root, "a", "mod.py"), join(root, "linked.py"));
    symlinkSync(join(root, "missing.py"), join(root, "dangling.py"));
    const found = await listSourceFiles(root);
    expect(found.python).toEqual(["a/mod.py", "linked.py"]);
  });

  it("reports an unreadable root as a diagnostic instead of throwing", async () => {
    const root = project({});
    const found = await listSourceFiles(join(root, "does-not-exist"));
    expect(found.python).toEqual([]);
    expect(found.diagnostics).toHaveLength(1);
    expect(found.diagnostics[0]?.message).toMatch(/cannot read it \(ENOENT\)/);
  });

  it("ignores what git ignores, nested .gitignore files included (checked against real git)", async () => {
    const files: Record<string, string> = {
      ".gitignore": [
        "# comment",
        "*.gen.py",
        "!keep.gen.py",
        "/anchored.py",
        "out/",
        "docs/**/secret*.py",
        "**/tmp/*.py",
        "data/**",
        "!data/kept.py",
        "spaced.py   ",
        "\\#hash.py",
        "[ab]ranch.py",
        "sub/inner/",
        "",
      ].join("\n"),
      "sub/.gitignore": "local_only.py\n!anchored.py\n/rooted.py\n",
      "a.gen.py": "",
      "keep.gen.py": "",
      "anchored.py": "",
      "sub/anchored.py": "",
      "sub/rooted.py": "",
      "sub/x/rooted.py": "",
      "sub/local_only.py": "",
      "sub/inner/i.py": "",
      "local_only.py": "",
      "out/o.py": "",
      "src/out/o.py": "",
      "docs/secret1.py": "",
      "docs/a/b/secret2.py": "",
      "docs/public.py": "",
      "x/tmp/t.py": "",
      "tmp/t2.py": "",
      "data/d.py": "",
      "data/kept.py": "",
      "spaced.py": "",
      "#hash.py": "",
      "aranch.py": "",
      "cranch.py": "",
      "ok.py": "",
    };
    const root = project(files);
    execFileSync("git", ["init", "-q"], { cwd: root });
    const gitListed = execFileSync("git", ["ls-files", "--others", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
    })
      .split("\n")
      .map((line) => line.replace(/^"|"$/g, ""))
      .filter((path) => path.endsWith(".py"))
      .sort();
    const found = await listSourceFiles(root);
    expect(found.python).toEqual(gitListed);
    expect(found.python).toContain("keep.gen.py");
    expect(found.python).not.toContain("out/o.py");
  });
});

describe("listSourceFiles in a subproject of a git repository", () => {
  it("applies the .gitignore files between the repository top and the root, like git", async () => {
    const root = project({
      ".gitignore": "*.gen.py\nsub/skipped/\n/sub/anchored.py\n",
      "sub/.gitignore": "local.py\n",
      "sub/app.py": "",
      "sub/a.gen.py": "",
      "sub/skipped/s.py": "",
      "sub/anchored.py": "",
      "sub/deeper/anchored.py": "",
      "sub/local.py": "",
    });
    execFileSync("git", ["init", "-q"], { cwd: root });
    const sub = join(root, "sub");
    const gitListed = execFileSync("git", ["ls-files", "--others", "--exclude-standard"], {
      cwd: sub,
      encoding: "utf8",
    })
      .split("\n")
      .filter((path) => path.endsWith(".py"))
      .sort();
    const found = await listSourceFiles(sub);
    expect(gitListed).toEqual(["app.py", "deeper/anchored.py"]);
    expect(found.python).toEqual(gitListed);
  });
});

describe("gitignore patterns", () => {
  it("matches directory-only patterns only against directories", () => {
    const rules = [parseGitignore("logs/\n", "")];
    expect(isIgnored("logs", true, rules)).toBe(true);
    expect(isIgnored("logs", false, rules)).toBe(false);
    expect(isIgnored("a/logs", true, rules)).toBe(true);
  });

  it("lets a later negation re-include a file", () => {
    const rules = [parseGitignore("*.py\n!main.py\n", "")];
    expect(isIgnored("x/util.py", false, rules)).toBe(true);
    expect(isIgnored("x/main.py", false, rules)).toBe(false);
  });
});
