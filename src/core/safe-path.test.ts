import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { treeHash } from "../../test/support/tree-hash.js";
import {
  checkedProjectPath,
  makeProjectDir,
  projectRelative,
  removeProjectPath,
  renameInProject,
  resolvedInsideProject,
  symlinkInProject,
  writeProjectFile,
} from "./safe-path.js";

afterAll(removeTempDirs);

/** A project and, beside it, a directory whose content must never change. */
function layout(): { root: string; outside: string; hashBefore: string } {
  const base = tempDir("dhtl-safe-path-");
  const root = join(base, "project");
  const outside = join(base, "outside");
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, "data.txt"), "precious\n");
  writeFileSync(join(outside, "target.txt"), "keep\n");
  return { root, outside, hashBefore: treeHash(outside) };
}

describe("projectRelative", () => {
  it.each([
    ["../x", /outside the project/],
    ["a/../../x", /outside the project/],
    ["/etc/passwd", /outside the project/],
    [".git/config", /never writes inside \.git/],
    ["sub/.GIT/hooks/pre-commit", /never writes inside \.git/],
    [".", /outside the project/],
  ])("refuses %s", (path, message) => {
    const { root } = layout();
    expect(() => projectRelative(root, path)).toThrow(message);
  });

  it("accepts relative and absolute paths inside the project", () => {
    const { root } = layout();
    expect(projectRelative(root, "a/./b/../c")).toBe("a/c");
    expect(projectRelative(root, join(root, ".dhtl", "envs"))).toBe(".dhtl/envs");
  });
});

describe("writes never go through a link", () => {
  it("refuses a symlinked parent at any depth (exit 4), and a link as the file itself", () => {
    const { root, outside, hashBefore } = layout();
    symlinkSync(outside, join(root, ".dhtl"));
    mkdirSync(join(root, "real"));
    symlinkSync("../../outside", join(root, "real", "deep"));
    symlinkSync(join(outside, "target.txt"), join(root, "uv.lock"));
    const attempts = [
      () => writeProjectFile(root, ".dhtl/journal.json", "{}"),
      () => makeProjectDir(root, ".dhtl/envs/env-a"),
      () => writeProjectFile(root, "real/deep/x.txt", "x"),
      () => writeProjectFile(root, "uv.lock", "x"),
      () => removeProjectPath(root, ".dhtl/envs", { recursive: true }),
      () => renameInProject(root, "real", ".dhtl/moved"),
    ];
    for (const attempt of attempts) expect(attempt).toThrow(expect.objectContaining({ code: "refused" }));
    expect(readFileSync(join(outside, "target.txt"), "utf8")).toBe("keep\n");
    expect(treeHash(outside)).toBe(hashBefore);
  });

  it("removes a link itself (never its target), and replaces one by rename", () => {
    const { root, outside, hashBefore } = layout();
    symlinkSync(outside, join(root, "link"));
    removeProjectPath(root, "link", { recursive: true });
    expect(existsSync(join(root, "link"))).toBe(false);
    expect(treeHash(outside)).toBe(hashBefore);
    mkdirSync(join(root, ".dhtl", "envs", "env-a"), { recursive: true });
    symlinkSync(outside, join(root, ".venv"));
    symlinkInProject(root, ".venv.new", ".dhtl/envs/env-a");
    renameInProject(root, ".venv.new", ".venv");
    expect(lstatSync(join(root, ".venv")).isSymbolicLink()).toBe(true);
    expect(treeHash(outside)).toBe(hashBefore);
  });

  it("a link's target must stay inside the project", () => {
    const { root } = layout();
    expect(() => symlinkInProject(root, ".venv", "../outside")).toThrow(/outside the project/);
    expect(() => symlinkInProject(root, ".venv", "/tmp")).toThrow(/outside the project/);
  });

  it("makeProjectDir creates each component and reports the first one it made", () => {
    const { root } = layout();
    expect(makeProjectDir(root, ".dhtl/envs")).toBe(".dhtl");
    expect(makeProjectDir(root, ".dhtl/envs")).toBeNull();
    expect(checkedProjectPath(root, ".dhtl/envs/env-a")).toBe(join(root, ".dhtl", "envs", "env-a"));
  });

  it("resolvedInsideProject: the real path when inside, null through a link out", () => {
    const { root, outside } = layout();
    mkdirSync(join(root, ".dhtl", "envs", "env-a"), { recursive: true });
    symlinkSync(".dhtl/envs/env-a", join(root, ".venv"));
    symlinkSync(outside, join(root, "elsewhere"));
    expect(resolvedInsideProject(root, join(root, ".venv"))).toBe(join(root, ".dhtl", "envs", "env-a"));
    expect(resolvedInsideProject(root, join(root, "elsewhere"))).toBeNull();
  });
});
