import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runChecked } from "../../core/exec.js";
import { normalizeName } from "../../pep/names.js";
import {
  candidateDistributions,
  differingPairCount,
  importKey,
  importsProvidedBy,
  installedImportIndex,
  isNamespace,
  tableDistributions,
} from "./index.js";
import { inferDependencies } from "./infer.js";

describe("the generated import table", () => {
  it("holds well over a thousand pairs whose names differ", () => {
    expect(differingPairCount()).toBeGreaterThan(1000);
  });

  it.each([
    ["yaml", "PyYAML"],
    ["bs4", "beautifulsoup4"],
    ["environ", "django-environ"],
    ["PIL", "Pillow"],
    ["sklearn", "scikit-learn"],
    ["skimage", "scikit-image"],
    ["google.protobuf", "protobuf"],
    ["jwt", "PyJWT"],
    ["dateutil", "python-dateutil"],
    ["serial", "pyserial"],
    ["attr", "attrs"],
    ["dotenv", "python-dotenv"],
    ["Crypto", "pycryptodome"],
    ["Cryptodome", "pycryptodomex"],
    ["MySQLdb", "mysqlclient"],
    ["gi", "PyGObject"],
    ["osgeo", "GDAL"],
    ["zmq", "pyzmq"],
    ["OpenSSL", "pyOpenSSL"],
    ["pkg_resources", "setuptools"],
    ["cv2", "opencv-python"],
    ["faiss", "faiss-cpu"],
    ["bson", "pymongo"],
    ["_cffi_backend", "cffi"],
    ["win32api", "pywin32"],
    ["win32con", "pywin32"],
    ["Foundation", "pyobjc-framework-Cocoa"],
    ["mysql.connector", "mysql-connector-python"],
    ["rest_framework", "djangorestframework"],
    ["paho.mqtt.client", "paho-mqtt"],
  ])("%s is provided first by %s", (module, distribution) => {
    expect(candidateDistributions(module)[0]).toBe(distribution);
  });

  it("offers every OpenCV build for cv2, the default build first", () => {
    expect(candidateDistributions("cv2")).toEqual([
      "opencv-python",
      "opencv-python-headless",
      "opencv-contrib-python",
      "opencv-contrib-python-headless",
      // The same-name guess comes last; inference never suggests it when the table knows better.
      "cv2",
    ]);
    expect(tableDistributions("cv2")).toHaveLength(4);
  });

  it("keeps the real distribution before the binary repackaging", () => {
    expect(candidateDistributions("psycopg2")).toEqual(["psycopg2", "psycopg2-binary"]);
  });

  it("matches namespace packages by their longest known prefix", () => {
    expect(candidateDistributions("google.cloud.storage.blob")).toEqual(["google-cloud-storage"]);
    expect(candidateDistributions("azure.storage.blob")).toEqual(["azure-storage-blob"]);
    expect(candidateDistributions("yaml.constructor")).toEqual(["PyYAML", "yaml"]);
    expect(tableDistributions("yaml.constructor")).toEqual(["PyYAML"]);
  });

  it("guesses the import's own name when the table does not know it", () => {
    expect(candidateDistributions("requests")).toEqual(["requests"]);
    expect(candidateDistributions("Flask_Login")).toEqual(["flask-login"]);
    // Below a namespace the guess keeps the levels that name the distribution.
    expect(candidateDistributions("google.cloud.bigquery.table")).toEqual(["google-cloud-bigquery"]);
    expect(importKey("google.cloud.bigquery.table")).toBe("google.cloud.bigquery");
    expect(importKey("requests.adapters")).toBe("requests");
  });

  it("knows which names are namespaces", () => {
    expect(isNamespace("google")).toBe(true);
    expect(isNamespace("google.cloud")).toBe(true);
    expect(isNamespace("azure")).toBe(true);
    expect(isNamespace("yaml")).toBe(false);
  });

  it("answers the reverse question", () => {
    expect(importsProvidedBy("pyyaml")).toEqual(["_yaml", "yaml"]);
    expect(importsProvidedBy("attrs")).toEqual(["attr", "attrs"]);
    expect(importsProvidedBy("beautifulsoup4")).toContain("bs4");
    expect(importsProvidedBy("opencv-python-headless")).toEqual(["cv2"]);
    expect(importsProvidedBy("Flask-Login")).toEqual(["flask_login"]);
  });

  it("cites a real source for every entry and is sorted", () => {
    const file = JSON.parse(readFileSync(join(import.meta.dirname, "import-map.json"), "utf8")) as {
      imports: Record<string, [string, string][]>;
      namespaces: string[];
    };
    const modules = Object.keys(file.imports);
    expect(modules).toEqual([...modules].sort());
    expect(file.namespaces).toEqual([...file.namespaces].sort());
    for (const [module, candidates] of Object.entries(file.imports)) {
      expect(module).toMatch(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/);
      for (const [distribution, source] of candidates) {
        expect(distribution).toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
        expect(source).toMatch(/^(debian:[a-z0-9][a-z0-9+.-]+|wheel:[^/\s]+\.whl)$/);
      }
    }
  });
});

describe("installedImportIndex on a real virtual environment", () => {
  let dir = "";
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "dhtl-mapping-"));
    const venv = join(dir, ".venv");
    await runChecked("uv", ["venv", "--quiet", "--python", "python3", venv], { timeoutMs: 120_000 });
    await runChecked(
      "uv",
      ["pip", "install", "--quiet", "--python", join(venv, "bin", "python"), "pyyaml", "pillow"],
      {
        timeoutMs: 240_000,
      },
    );
  }, 300_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("maps each import to the distribution that installed it", () => {
    const index = installedImportIndex(join(dir, ".venv"));
    expect(index.get("yaml")?.map(normalizeName)).toEqual(["pyyaml"]);
    expect(index.get("_yaml")?.map(normalizeName)).toEqual(["pyyaml"]);
    expect(index.get("PIL")?.map(normalizeName)).toEqual(["pillow"]);
    expect([...index.keys()]).toEqual([...index.keys()].sort());
  });

  it("lets inference use the installed metadata", () => {
    const uses = ["PIL", "yaml"].map((name) => ({
      name,
      modules: [name],
      files: ["app.py"],
      optional: false,
      typeOnly: false,
    }));
    const imports = {
      thirdParty: ["PIL", "yaml"],
      local: [],
      stdlib: [],
      optional: [],
      typeOnly: [],
      uses,
      filesScanned: 1,
    };
    const result = inferDependencies(imports, ["PyYAML>=6", "rich"], { venvPath: join(dir, ".venv") });
    expect(result.undeclared.map((u) => ({ ...u, candidates: u.candidates.map(normalizeName) }))).toEqual([
      { import: "PIL", candidates: ["pillow"], files: ["app.py"] },
    ]);
    expect(result.unused).toEqual(["rich"]);
  });

  it("gives an empty index for a missing environment", () => {
    expect(installedImportIndex(join(dir, "no-such-venv")).size).toBe(0);
  });
});
