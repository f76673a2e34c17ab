import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { detectComponents, scanComponents } from "./components.js";

const fixtures = resolve(import.meta.dirname, "..", "..", "test", "fixtures", "components");
const made: string[] = [];

function copy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), "dhtl-components-"));
  made.push(dir);
  cpSync(join(fixtures, name), dir, { recursive: true });
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("detectComponents", () => {
  it("finds root and sub-folder components with their version requests", () => {
    const root = copy("mixed");
    // Installed packages are never components (kept out of the fixture: git ignores node_modules/).
    mkdirSync(join(root, "node_modules", "left-pad"), { recursive: true });
    writeFileSync(join(root, "node_modules", "left-pad", "package.json"), "{}");
    expect(detectComponents(root)).toEqual([
      {
        language: "node",
        dir: "frontend",
        manifest: "frontend/package.json",
        version: { value: "20", file: ".nvmrc", kind: "range" },
        packageManager: "npm",
        lockfile: "frontend/package-lock.json",
      },
      {
        language: "rust",
        dir: "rust",
        manifest: "rust/Cargo.toml",
        version: { value: "1.75.0", file: "rust/rust-toolchain.toml", kind: "exact" },
        packageManager: "cargo",
        lockfile: "rust/Cargo.lock",
      },
      {
        language: "go",
        dir: "svc",
        manifest: "svc/go.mod",
        version: { value: "1.22.3", file: "svc/go.mod", kind: "exact" },
        packageManager: "go",
        lockfile: "svc/go.sum",
      },
      {
        language: "node",
        dir: "tools/web",
        manifest: "tools/web/package.json",
        version: { value: "v22.12.0", file: "tools/web/.node-version", kind: "exact" },
        packageManager: "pnpm",
        lockfile: null,
      },
    ]);
  });

  it("falls back to engines.node, then Cargo rust-version, then the go directive", () => {
    const root = copy("mixed");
    rmSync(join(root, ".nvmrc"));
    rmSync(join(root, "rust", "rust-toolchain.toml"));
    writeFileSync(join(root, "svc", "go.mod"), "module x\n\ngo 1.21\n");
    // Without the workspace root, its member is a component of its own.
    rmSync(join(root, "rust", "Cargo.toml"));
    const byDir = Object.fromEntries(detectComponents(root).map((c) => [c.dir, c.version]));
    expect(byDir.frontend).toEqual({ value: ">=18", file: "frontend/package.json", kind: "range" });
    expect(byDir["rust/crates/core"]).toEqual({
      value: "1.70",
      file: "rust/crates/core/Cargo.toml",
      kind: "range",
    });
    expect(byDir.svc).toEqual({ value: "1.21", file: "svc/go.mod", kind: "range" });
  });

  it("reports a root component as `.` and a project without any as empty", () => {
    const root = mkdtempSync(join(tmpdir(), "dhtl-components-"));
    made.push(root);
    expect(detectComponents(root)).toEqual([]);
    writeFileSync(join(root, "package.json"), '{"name": "x"}');
    writeFileSync(join(root, "yarn.lock"), "");
    expect(detectComponents(root)).toEqual([
      {
        language: "node",
        dir: ".",
        manifest: "package.json",
        version: null,
        packageManager: "yarn",
        lockfile: "yarn.lock",
      },
    ]);
  });

  it("turns malformed manifests into diagnostics with a line, not a crash", () => {
    const root = copy("malformed");
    const scan = scanComponents(root);
    expect(scan.components.map((c) => [c.language, c.dir, c.version?.value ?? null])).toEqual([
      ["rust", "native", "nightly-2024-01-01"],
      ["node", "ui", null],
    ]);
    expect(scan.diagnostics.map((d) => [d.file, d.line, d.severity])).toEqual([
      ["native/Cargo.toml", 3, "warning"],
      ["ui/package.json", 4, "warning"],
    ]);
  });
});
