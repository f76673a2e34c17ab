import { describe, expect, it } from "vitest";
import type { InferredFacts } from "../facts/types.js";
import {
  inferredConsentQuestion,
  keptInferred,
  selectInferredCandidates,
  uncoveredCandidates,
} from "./inferred-requirements.js";

function inferred(parts: Partial<InferredFacts>): InferredFacts {
  return {
    undeclared: [],
    undeclaredOptional: [],
    undeclaredTypeOnly: [],
    undeclaredTooling: [],
    unused: [],
    usedWithoutImport: [],
    unusedUncertain: [],
    notImportable: [],
    ...parts,
  };
}

describe("selectInferredCandidates", () => {
  it("scientific-python-lectures: one distribution per package, notebook-written modules never fetched", () => {
    const candidates = selectInferredCandidates({
      inferred: inferred({
        undeclared: [
          { import: "matplotlib", candidates: ["matplotlib"], files: ["Lecture-4-Matplotlib.ipynb"] },
          { import: "mpl_toolkits", candidates: ["matplotlib"], files: ["Lecture-4-Matplotlib.ipynb"] },
          { import: "pylab", candidates: ["matplotlib"], files: ["Lecture-0.ipynb"] },
          { import: "mymodule", candidates: ["mymodule"], files: ["Lecture-1.ipynb"] },
          { import: "sklearn", candidates: ["scikit-learn"], files: ["tests/test_model.py"] },
          { import: "urllib2", candidates: ["urllib2"], files: ["legacy.py"] },
          { import: "setuptools", candidates: ["setuptools"], files: ["setup.py"] },
        ],
      }),
      localNames: ["mymodule"],
      declaresNothing: true,
    });
    expect(candidates).toEqual([
      {
        name: "matplotlib",
        requirement: "matplotlib",
        imports: ["matplotlib", "mpl_toolkits", "pylab"],
        providers: ["matplotlib"],
        files: ["Lecture-0.ipynb", "Lecture-4-Matplotlib.ipynb"],
      },
      {
        name: "scikit-learn",
        requirement: "scikit-learn",
        imports: ["sklearn"],
        providers: ["scikit-learn"],
        files: ["tests/test_model.py"],
      },
    ]);
  });

  it("a declared project: only its runtime code counts; a guarded import is marked optional", () => {
    const candidates = selectInferredCandidates({
      inferred: inferred({
        undeclared: [
          {
            import: "pkg_resources",
            candidates: ["setuptools"],
            files: ["httpie/plugins/manager.py", "tests/test_x.py"],
          },
          { import: "pytest", candidates: ["pytest"], files: ["tests/conftest.py", "test_cli.py"] },
          { import: "app", candidates: ["app"], files: ["backend/app/main.py"] },
          // A nested project's code answers to its own manifests (hatch's backend/ is hatchling).
          { import: "pluggy", candidates: ["pluggy"], files: ["backend/src/hatchling/plugin.py"] },
        ],
        undeclaredOptional: [{ import: "OpenSSL", candidates: ["pyOpenSSL"], files: ["httpie/client.py"] }],
      }),
      localNames: ["app"],
      declaresNothing: false,
      subprojectDirs: ["backend"],
    });
    expect(candidates.map((c) => [c.requirement, c.files, c.optional ?? false])).toEqual([
      ["pyopenssl", ["httpie/client.py"], true],
      // setuptools 82 dropped pkg_resources: a release that still has it.
      ["setuptools<82", ["httpie/plugins/manager.py"], false],
    ]);
  });

  it("a distribution any of whose providers the lock pins is covered; recorded ones are kept as written now", () => {
    const [django, yaml] = selectInferredCandidates({
      inferred: inferred({
        undeclared: [
          { import: "modelcluster", candidates: ["django-modelcluster"], files: ["home/models.py"] },
          { import: "yaml", candidates: ["PyYAML", "pyyaml-ft"], files: ["load.py"] },
        ],
      }),
      localNames: [],
      declaresNothing: true,
    });
    expect(uncoveredCandidates([django!, yaml!], new Set(["django-modelcluster", "pyyaml-ft"]))).toEqual([]);
    expect(uncoveredCandidates([django!, yaml!], new Set(["wagtail"])).map((c) => c.name)).toEqual([
      "django-modelcluster",
      "pyyaml",
    ]);
    expect(keptInferred(["PyYAML", "numpy"], [django!, yaml!])).toEqual(["pyyaml"]);
    expect(inferredConsentQuestion([yaml!])).toMatch(
      /pyyaml \(import yaml: load\.py\)\nInstall them\? \[y\/N\] $/,
    );
  });

  it("a project that declares its dependencies gets only setuptools installed; every other undeclared import is reported (platformdirs' jnius)", () => {
    const candidates = selectInferredCandidates({
      inferred: inferred({
        undeclared: [
          { import: "jnius", candidates: ["jnius"], files: ["src/platformdirs/android.py"] },
          { import: "pkg_resources", candidates: ["setuptools"], files: ["httpie/plugins.py"] },
        ],
      }),
      localNames: [],
      declaresNothing: false,
    });
    expect(candidates.map((c) => [c.name, c.optional ?? false])).toEqual([
      ["jnius", true],
      ["setuptools", false],
    ]);
  });

  it("a repository of notebooks that declares nothing gets the kernel that runs them (ipykernel, with IPython)", () => {
    const notebookImports = inferred({
      undeclared: [{ import: "numpy", candidates: ["numpy"], files: ["Lecture-2-Numpy.ipynb"] }],
    });
    const withKernel = selectInferredCandidates({
      inferred: notebookImports,
      localNames: [],
      declaresNothing: true,
      notebooks: ["Lecture-2-Numpy.ipynb"],
    });
    expect(withKernel.map((c) => c.name)).toEqual(["ipykernel", "numpy"]);
    // A declared project chooses its own kernel; scripts without notebooks need none.
    expect(
      selectInferredCandidates({
        inferred: notebookImports,
        localNames: [],
        declaresNothing: false,
        notebooks: ["Lecture-2-Numpy.ipynb"],
      }).map((c) => c.name),
    ).toEqual(["numpy"]);
    expect(
      selectInferredCandidates({ inferred: notebookImports, localNames: [], declaresNothing: true }).map(
        (c) => c.name,
      ),
    ).toEqual(["numpy"]);
  });
});
