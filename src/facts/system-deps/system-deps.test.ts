import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../../core/exec.js";
import {
  isValidSystemPackageName,
  knownDistributions,
  packageNamesFor,
  systemDependenciesFor,
} from "./index.js";

describe("systemDependenciesFor", () => {
  it("splits psycopg2's needs into build and runtime for apt", () => {
    expect(systemDependenciesFor(["psycopg2>=2.9"], ["apt"])).toEqual([
      { name: "build-essential", manager: "apt", because: "psycopg2", phase: "build" },
      { name: "libpq-dev", manager: "apt", because: "psycopg2", phase: "build" },
      { name: "pkg-config", manager: "apt", because: "psycopg2", phase: "build" },
      { name: "libpq5", manager: "apt", because: "psycopg2", phase: "runtime" },
    ]);
  });

  it("answers yum with dnf's names and leaves unknown managers out", () => {
    const deps = systemDependenciesFor(["mysqlclient"], ["yum", "chocolatey"]);
    expect(deps.map((d) => `${d.manager}:${d.phase}:${d.name}`)).toEqual([
      "yum:build:gcc",
      "yum:build:mariadb-connector-c-devel",
      "yum:build:pkgconf-pkg-config",
      "yum:runtime:mariadb-connector-c",
    ]);
  });

  it("is sorted and has no duplicates across distributions sharing a library", () => {
    const deps = systemDependenciesFor(["Fiona", "rasterio", "GDAL", "requests", "fiona"]);
    const keys = deps.map((d) => `${d.manager}\0${d.phase}\0${d.name}\0${d.because}`);
    expect(keys).toEqual([...keys].sort());
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(deps.map((d) => d.because))).toEqual(new Set(["fiona", "gdal", "rasterio"]));
    expect(new Set(deps.map((d) => d.manager))).toEqual(
      new Set(["apk", "apt", "brew", "dnf", "pacman", "yum", "zypper"]),
    );
  });

  it("knows runtime-only needs and extras", () => {
    expect(systemDependenciesFor(["python-magic"], ["apt", "brew"])).toEqual([
      { name: "libmagic1", manager: "apt", because: "python-magic", phase: "runtime" },
      { name: "libmagic", manager: "brew", because: "python-magic", phase: "runtime" },
    ]);
    const psycopg = systemDependenciesFor(["psycopg[c,pool]>=3"], ["apt"]);
    expect(psycopg.filter((d) => d.phase === "build").map((d) => d.name)).toEqual([
      "build-essential",
      "libpq-dev",
    ]);
    expect(systemDependenciesFor(["requests", "psycopg2-binary"])).toEqual([]);
  });

  it("covers the distributions the issue names", () => {
    const required = [
      "psycopg2",
      "mysqlclient",
      "lxml",
      "pillow",
      "pycairo",
      "pygobject",
      "h5py",
      "pyaudio",
      "python-ldap",
      "gdal",
      "pyodbc",
      "pycurl",
      "cryptography",
      "cffi",
      "pyyaml",
      "numpy",
      "scipy",
      "psycopg",
      "uwsgi",
      "pygraphviz",
      "python-magic",
      "dbus-python",
      "pykerberos",
      "gssapi",
      "xmlsec",
      "mariadb",
      "confluent-kafka",
      "pyzmq",
      "shapely",
      "pyproj",
      "fiona",
      "rasterio",
      "pymssql",
      "python-snappy",
      "leveldb",
      "plyvel",
      "netifaces",
      "m2crypto",
      "pyscard",
      "pyusb",
    ];
    expect(required.filter((name) => !knownDistributions().includes(name))).toEqual([]);
    for (const name of required)
      expect(systemDependenciesFor([name], ["apt"]).length, name).toBeGreaterThan(0);
  });

  it("holds only names each manager accepts", () => {
    for (const manager of ["apt", "dnf", "yum", "pacman", "zypper", "apk", "brew"]) {
      const names = packageNamesFor(manager);
      expect(names.length, manager).toBeGreaterThan(10);
      expect(
        names.filter((name) => !isValidSystemPackageName(manager, name)),
        manager,
      ).toEqual([]);
    }
  });

  // Real apt: every apt name in the table must exist in this Debian's package index.
  const hasAptLists =
    existsSync("/var/lib/apt/lists") &&
    readdirSync("/var/lib/apt/lists").some((f) => f.includes("_Packages"));
  it.skipIf(!hasAptLists)("names only packages apt-cache knows", async () => {
    const names = packageNamesFor("apt");
    const result = await run("apt-cache", ["show", "--no-all-versions", "--", ...names], {
      timeoutMs: 60_000,
    });
    const found = new Set([...result.stdout.matchAll(/^Package: (\S+)$/gm)].map((m) => m[1]));
    expect(names.filter((name) => !found.has(name))).toEqual([]);
  });
});

describe("isValidSystemPackageName", () => {
  it.each([
    ["apt", "libpq-dev"],
    ["apt", "libstdc++6"],
    ["apt", "gir1.2-glib-2.0"],
    ["dnf", "unixODBC-devel"],
    ["dnf", "pkgconfig(libpq)"],
    ["yum", "gcc-c++"],
    ["zypper", "libjpeg8-devel"],
    ["pacman", "gcc-fortran"],
    ["apk", "build-base"],
    ["brew", "openssl@3"],
    ["brew", "homebrew/core/libpq"],
  ])("%s accepts %s", (manager, name) => {
    expect(isValidSystemPackageName(manager, name)).toBe(true);
  });

  it.each([
    ["apt", "libpq-dev; rm -rf /"],
    ["apt", "-o"],
    ["apt", "--allow-unauthenticated"],
    ["apt", "lib pq"],
    ["apt", "LibPQ"],
    ["apt", "a"],
    ["apt", ""],
    ["apt", "libpq-dev\nrm"],
    ["apt", "../etc/passwd"],
    ["dnf", "-y"],
    ["dnf", "$(reboot)"],
    ["yum", "gcc && id"],
    ["zypper", "a b"],
    ["pacman", "-Syu"],
    ["pacman", ".hidden"],
    ["apk", "--allow-untrusted"],
    ["brew", "--HEAD"],
    ["brew", "../../evil"],
    ["brew", "Foo"],
    ["apt", "x".repeat(200)],
    ["chocolatey", "python"],
    ["toString", "x"],
  ])("%s rejects %j", (manager, name) => {
    expect(isValidSystemPackageName(manager, name)).toBe(false);
  });
});
