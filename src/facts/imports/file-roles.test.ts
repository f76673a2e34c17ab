import { describe, expect, it } from "vitest";
import { fileRole } from "./file-roles.js";

describe("fileRole", () => {
  it.each([
    ["pkg/core.py", "runtime"],
    ["pkg/tasks.py", "runtime"],
    ["app.py", "runtime"],
    ["setup.py", "build"],
    ["build.py", "build"],
    ["pkg/build.py", "runtime"],
    ["tasks.py", "dev"],
    ["noxfile.py", "dev"],
    ["pkg/tests/test_core.py", "dev"],
    ["pkg/conftest.py", "dev"],
    ["polls/tests.py", "dev"],
    ["scripts/release.py", "dev"],
    ["examples/demo.py", "dev"],
    ["pkg/examples/demo.py", "runtime"],
    ["docs/conf.py", "docs"],
    ["jsonschema/benchmarks/nested_schemas.py", "dev"],
    ["benchmarks/bench_parse.py", "dev"],
    ["doc/source/ext/roles.py", "docs"],
  ])("%s is %s", (path, role) => {
    expect(fileRole(path)).toBe(role);
  });
});
