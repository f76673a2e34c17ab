import { describe, expect, it } from "vitest";
import { projectModel } from "../../test/support/project-model.js";
import { emptyManifest } from "../facts/manifests/types.js";
import { projectInstall } from "./project-install.js";

function withBackend(backend: string, requires: string[]) {
  return projectModel({ isPackage: true, buildSystem: { backend, requires, file: "pyproject.toml" } });
}

describe("how the project itself is installed", () => {
  it("is editable when the backend builds editable installs", () => {
    expect(projectInstall(withBackend("hatchling.build", ["hatchling"])).mode).toBe("editable");
    expect(projectInstall(withBackend("setuptools.build_meta", ["setuptools>=61"])).mode).toBe("editable");
    // installer: a bound above the first release with build_editable is no cap.
    expect(projectInstall(withBackend("flit_core.buildapi", ["flit_core<4,>=3.11"])).mode).toBe("editable");
    expect(projectInstall(withBackend("setuptools.build_meta", ["setuptools<=64.0"])).mode).toBe("editable");
    expect(projectInstall(projectModel({ isPackage: true })).reason).toContain("setup.py");
  });

  it("is a regular install for a backend without build_editable (pendulum 2018, capped setuptools)", () => {
    const pendulum = projectInstall(withBackend("poetry.masonry.api", ["poetry>=0.12"]));
    expect(pendulum).toEqual({
      mode: "regular",
      reason:
        "installed as a regular package: its build backend poetry.masonry.api has no build_editable (PEP 660)",
    });
    const capped = projectInstall(withBackend("setuptools.build_meta", ["setuptools>=40,<60", "wheel"]));
    expect(capped.mode).toBe("regular");
    expect(capped.reason).toContain("`setuptools>=40,<60`");
    expect(projectInstall(withBackend("flit_core.buildapi", ["flit_core >=2,<3"])).mode).toBe("regular");
    expect(projectInstall(withBackend("setuptools.build_meta", ["setuptools==59.*"])).mode).toBe("regular");
    expect(projectInstall(withBackend("setuptools.build_meta", ["setuptools<=63.9"])).mode).toBe("regular");
  });

  it("is skipped for applications, naming the setting", () => {
    const uv = emptyManifest("pyproject:uv", "pyproject.toml");
    uv.details.pyproject = { dialects: ["uv"], package: false, packageSetting: "tool.uv.package" };
    expect(projectInstall(projectModel({ manifests: [uv] })).reason).toBe(
      "not installed: `[tool.uv] package = false` in pyproject.toml (an application)",
    );
    const poetry = emptyManifest("pyproject:poetry", "pyproject.toml");
    poetry.details.pyproject = {
      dialects: ["poetry"],
      package: false,
      packageSetting: "tool.poetry.package-mode",
    };
    expect(projectInstall(projectModel({ manifests: [poetry] })).reason).toContain("package-mode = false");
    expect(projectInstall(projectModel()).reason).toContain("no build backend, setup.py or setup.cfg");
  });
});
