import type { ProjectModel } from "../../src/facts/types.js";

/** A project model with every field empty, for tests that build facts by hand. */
export function projectModel(overrides: Partial<ProjectModel> = {}): ProjectModel {
  return {
    name: null,
    version: null,
    dependencies: [],
    optionalDependencies: {},
    dependencyGroups: {},
    constraints: [],
    requiresPython: null,
    pythonPin: null,
    packageManager: null,
    sources: [],
    provenance: {},
    buildSystem: null,
    indexes: [],
    locked: [],
    scripts: {},
    isPackage: false,
    nonPythonPackages: [],
    manifests: [],
    ...overrides,
  };
}
