import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, repoRoot, tempDir } from "../../../test/support/temp-dirs.js";
import { cmakeNativeNeeds } from "./cmake.js";
import { nativeBuildDependencies, readNativeBuild } from "./index.js";
import { mesonNativeNeeds } from "./meson.js";
import { setupPyNativeNeeds } from "./setup-py.js";

afterAll(removeTempDirs);

const fixture = (name: string) => join(repoRoot, "test", "fixtures", "projects", name);

describe("setup.py", () => {
  it("mysqlclient: the module names tried one after another with pkg-config are one need, in order", () => {
    const facts = readNativeBuild(fixture("mysqlclient-ext"));
    expect(facts).toEqual({
      systems: ["setuptools"],
      needs: [
        {
          file: "setup.py",
          line: 12,
          via: "pkg-config",
          names: ["mysqlclient", "mariadb", "libmariadb", "perconaserverclient"],
          kind: "pkgConfig",
          library: "mysqlclient",
        },
      ],
    });
    const apt = nativeBuildDependencies(facts, "mysqlclient", ["apt"]);
    expect(apt.map((d) => d.name)).toEqual(["build-essential", "default-libmysqlclient-dev", "pkg-config"]);
    expect(apt.every((d) => d.own && d.phase === "build" && d.because === "mysqlclient")).toBe(true);
    // The first alternative a manager has packages for; Percona's is in no distribution.
    expect(nativeBuildDependencies(facts, "mysqlclient", ["dnf"]).map((d) => d.name)).toEqual([
      "gcc",
      "mariadb-connector-c-devel",
      "pkgconf-pkg-config",
    ]);
  });

  it("reads libraries=[…], pkg-config argv lists and strings, pkgconfig.parse and *_config programs", () => {
    const text = [
      "import subprocess, pkgconfig",
      "from setuptools import Extension, setup",
      'flags = subprocess.check_output(["pkg-config", "--cflags", "libffi"])',
      'more = subprocess.check_output("pkg-config --libs --static yaml-0.1", shell=True)',
      'xml = pkgconfig.parse("libxml-2.0")',
      'pg = subprocess.check_output(["pg_config", "--includedir"])',
      'ext = Extension("x", ["x.c"], libraries=["ssl", "crypto", "m", "pthread"])',
      "setup(ext_modules=[ext])",
    ].join("\n");
    expect(
      setupPyNativeNeeds(text, "setup.py").map((n) => [n.line, n.via, n.names.join("|"), n.library]),
    ).toEqual([
      [3, "pkg-config", "libffi", "libffi"],
      [4, "pkg-config", "yaml-0.1", "libyaml"],
      [5, "pkgconfig", "libxml-2.0", "libxml2"],
      [6, "pg_config", "pg_config", "libpq"],
      [7, "libraries=", "ssl", "openssl"],
      [7, "libraries=", "crypto", "openssl"],
    ]);
  });

  it("finds nothing in a pure-Python setup.py, and nothing it cannot name (variables, f-string holes)", () => {
    const text = [
      "from setuptools import setup",
      'libs = ["foo"]',
      'setup(name="x", packages=["cairo", "zlib"], install_requires=["requests"])',
      'cmd = f"pkg-config --cflags {name}"',
    ].join("\n");
    expect(setupPyNativeNeeds(text, "setup.py")).toEqual([]);
    expect(setupPyNativeNeeds("def broken(:\n", "setup.py")).toEqual([]);
  });
});

describe("meson.build", () => {
  it("pycairo: dependency('cairo') in a subdir counts, with ninja and pkg-config", () => {
    const facts = readNativeBuild(fixture("pycairo-meson"));
    expect(facts.systems).toEqual(["meson"]);
    expect(facts.needs.map((n) => `${n.file}:${n.line} ${n.via} ${n.names.join("|")}`)).toEqual([
      "cairo/meson.build:2 dependency() cairo",
      "cairo/meson.build:6 find_library() cairo",
    ]);
    expect(nativeBuildDependencies(facts, "pycairo", ["apt"]).map((d) => d.name)).toEqual([
      "build-essential",
      "libcairo2-dev",
      "ninja-build",
      "pkg-config",
    ]);
  });

  it("takes positional names as alternatives and leaves out required: false and comments", () => {
    const text = [
      "# dependency('zlib')",
      "x = dependency('libjpeg', 'libturbojpeg', version: '>=2', required: true)",
      "y = dependency('libpng', required: false)",
      "z = dependency(",
      "  'sqlite3',",
      "  required: get_option('sqlite'),  # a feature option",
      ")",
      "t = dependency('threads')",
    ].join("\n");
    expect(mesonNativeNeeds(text, "meson.build").map((n) => [n.line, n.names.join("|"), n.library])).toEqual([
      [2, "libjpeg|libturbojpeg", "libjpeg"],
      [4, "sqlite3", "sqlite3"],
    ]);
  });
});

describe("CMakeLists.txt", () => {
  it("counts find_package and pkg_check_modules that are REQUIRED", () => {
    const text = [
      "cmake_minimum_required(VERSION 3.15)",
      "find_package(ZLIB REQUIRED)",
      "find_package(OpenSSL)  # optional",
      "find_package(Python COMPONENTS Interpreter Development.Module REQUIRED)",
      "pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo>=1.15)",
      "pkg_search_module(MYSQL REQUIRED mysqlclient mariadb)",
    ].join("\n");
    expect(
      cmakeNativeNeeds(text, "CMakeLists.txt").map((n) => [n.line, n.via, n.names.join("|"), n.library]),
    ).toEqual([
      [2, "find_package", "ZLIB", "zlib"],
      [5, "pkg_check_modules", "cairo", "cairo"],
      [6, "pkg_search_module", "mysqlclient|mariadb", "mysqlclient"],
    ]);
  });

  it("reads the project's CMakeLists.txt files, never vendored ones", () => {
    const root = tempDir();
    writeFileSync(join(root, "CMakeLists.txt"), "add_subdirectory(src)\n");
    mkdirSync(join(root, "src"));
    writeFileSync(join(root, "src", "CMakeLists.txt"), "find_package(CURL REQUIRED)\n");
    mkdirSync(join(root, "third_party", "zlib"), { recursive: true });
    writeFileSync(join(root, "third_party", "zlib", "CMakeLists.txt"), "find_package(PNG REQUIRED)\n");
    expect(readNativeBuild(root).needs.map((n) => `${n.file} ${n.library}`)).toEqual([
      "src/CMakeLists.txt libcurl",
    ]);
  });
});
