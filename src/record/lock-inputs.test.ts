import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { uvLockInputDigest } from "./lock-inputs.js";

const PYPROJECT = '[project]\nname = "demo"\nversion = "0.1.0"\ndependencies = ["six"]\n';
const LOCK = [
  "version = 1",
  "",
  "[[package]]",
  'name = "demo"',
  'version = "0.1.0"',
  'source = { editable = "." }',
  "",
  "[[package]]",
  'name = "six"',
  'version = "1.17.0"',
  'source = { registry = "https://pypi.org/simple" }',
  "",
].join("\n");

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "dhtl-lock-inputs-"));
  writeFileSync(join(root, "pyproject.toml"), PYPROJECT);
  writeFileSync(join(root, "uv.lock"), LOCK);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe("uvLockInputDigest", () => {
  it("is stable for the same bytes and changes with pyproject.toml or uv.toml", () => {
    const first = uvLockInputDigest(root);
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(uvLockInputDigest(root)).toBe(first);
    writeFileSync(join(root, "pyproject.toml"), `${PYPROJECT}# a comment\n`);
    const edited = uvLockInputDigest(root);
    expect(edited).not.toBe(first);
    writeFileSync(join(root, "uv.toml"), 'index-url = "https://example.org/simple"\n');
    expect(uvLockInputDigest(root)).not.toBe(edited);
  });

  it("does not depend on the lock's bytes (those have their own digest)", () => {
    const before = uvLockInputDigest(root);
    writeFileSync(join(root, "uv.lock"), `${LOCK}\n`);
    expect(uvLockInputDigest(root)).toBe(before);
  });

  it("gives up (null) where uv reads other projects' files: workspaces and local path sources", () => {
    writeFileSync(join(root, "uv.lock"), LOCK.replace('editable = "."', 'editable = "packages/lib"'));
    expect(uvLockInputDigest(root)).toBeNull();
    writeFileSync(join(root, "uv.lock"), `${LOCK}\n[manifest]\nmembers = [\n    "demo",\n    "lib",\n]\n`);
    expect(uvLockInputDigest(root)).toBeNull();
    writeFileSync(join(root, "uv.lock"), LOCK);
    writeFileSync(
      join(root, "pyproject.toml"),
      `${PYPROJECT}\n[tool.uv.workspace]\nmembers = ["packages/*"]\n`,
    );
    expect(uvLockInputDigest(root)).toBeNull();
  });

  it("is null without a lock or a pyproject.toml", () => {
    rmSync(join(root, "uv.lock"));
    expect(uvLockInputDigest(root)).toBeNull();
    writeFileSync(join(root, "uv.lock"), LOCK);
    rmSync(join(root, "pyproject.toml"));
    expect(uvLockInputDigest(root)).toBeNull();
  });
});
