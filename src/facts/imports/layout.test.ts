import { describe, expect, it } from "vitest";
import { ModuleLayout } from "./layout.js";

describe("ModuleLayout.resolve", () => {
  const files = [
    "pkg/__init__.py",
    "pkg/celery.py",
    "pkg/tasks.py",
    "scripts/run.py",
    "scripts/helpers.py",
    "config/__init__.py",
    "config/settings/debug_toolbar/setup.py",
    "config/settings/base.py",
    "src/acme/widgets/__init__.py",
  ];
  const layout = new ModuleLayout(files, {
    importedModules: ["config.settings.base", "config.settings.debug_toolbar.setup"],
  });

  it("resolves from the root, src/ and a directory of scripts, not from inside a package", () => {
    expect(layout.resolve("pkg/tasks.py", "celery")).toEqual({ local: false, units: ["celery"] });
    expect(layout.resolve("pkg/tasks.py", "pkg.celery")).toEqual({ local: true });
    expect(layout.resolve("scripts/run.py", "helpers")).toEqual({ local: true });
    expect(layout.resolve("pkg/tasks.py", "helpers")).toEqual({ local: false, units: ["helpers"] });
  });

  it("lets a script run directly, or a Python 2 file, import beside itself", () => {
    expect(layout.resolve("pkg/tasks.py", "celery", [], true)).toEqual({ local: true });
  });

  it("treats a directory the project imports as a package as a namespace package, not scripts", () => {
    expect(layout.resolve("config/settings/debug_toolbar/setup.py", "debug_toolbar")).toEqual({
      local: false,
      units: ["debug_toolbar"],
    });
  });

  it("resolves namespace packages portion by portion", () => {
    expect(layout.resolve("src/acme/widgets/__init__.py", "acme.core")).toEqual({
      local: false,
      units: ["acme.core"],
    });
    expect(layout.resolve("x.py", "acme", ["widgets", "core"])).toEqual({
      local: false,
      units: ["acme.core"],
    });
    expect(layout.resolve("x.py", "acme.widgets")).toEqual({ local: true });
  });

  it("finds a module anywhere and the file an import loads", () => {
    expect(layout.findAnywhere("celery")).toBe("pkg/celery.py");
    expect(layout.findAnywhere("settings")).toBeNull();
    expect(layout.locate("x.py", "pkg.celery")).toEqual(["pkg/celery.py"]);
    expect(layout.locate("x.py", "pkg")).toEqual(["pkg/__init__.py"]);
    expect(layout.locate("x.py", "nothing")).toEqual([]);
  });
});
