import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { DhtlError } from "../core/errors.js";
import {
  type DhtConfig,
  parseDhtConfig,
  platformKey,
  readDhtConfig,
  renderDhtConfig,
  sha256File,
  writeDhtConfig,
} from "./dhtconfig.js";

afterAll(removeTempDirs);

const digest = (c: string) => `sha256:${c.repeat(64)}`;

const full: DhtConfig = {
  schema: 1,
  tools: { uv: ">=0.5" },
  python: { version: "3.12.1", implementation: "cpython" },
  systemPackages: { apt: ["zlib1g-dev", "libpq-dev"] },
  lock: { inputDigest: digest("b"), file: ".dhtl/requirements.lock", digest: digest("a") },
  extras: ["test", "docs"],
  languages: { node: "20.18.0" },
  environment: { checksums: { "macos-arm64": digest("d"), "linux-x86_64": digest("c") } },
};

function parseError(text: string): DhtlError {
  try {
    parseDhtConfig(text);
  } catch (error) {
    if (error instanceof DhtlError) return error;
    throw error;
  }
  throw new Error("expected parseDhtConfig to fail");
}

describe("renderDhtConfig", () => {
  it("writes sorted keys and lists under a fixed header", () => {
    expect(renderDhtConfig(full)).toBe(
      [
        "# Written by dhtl. Records only what the project files cannot tell; commit it.",
        "environment:",
        "  checksums:",
        `    linux-x86_64: ${digest("c")}`,
        `    macos-arm64: ${digest("d")}`,
        "extras:",
        "  - docs",
        "  - test",
        "languages:",
        "  node: 20.18.0",
        "lock:",
        `  digest: ${digest("a")}`,
        "  file: .dhtl/requirements.lock",
        `  inputDigest: ${digest("b")}`,
        "python:",
        "  implementation: cpython",
        "  version: 3.12.1",
        "schema: 1",
        "systemPackages:",
        "  apt:",
        "    - libpq-dev",
        "    - zlib1g-dev",
        "tools:",
        '  uv: ">=0.5"',
        "",
      ].join("\n"),
    );
  });

  it("is byte-identical whatever order the input was built in", () => {
    const shuffled: DhtConfig = {
      environment: { checksums: { "linux-x86_64": digest("c"), "macos-arm64": digest("d") } },
      languages: { node: "20.18.0" },
      extras: ["docs", "test"],
      lock: { digest: digest("a"), file: ".dhtl/requirements.lock", inputDigest: digest("b") },
      systemPackages: { apt: ["libpq-dev", "zlib1g-dev"] },
      python: { implementation: "cpython", version: "3.12.1" },
      tools: { uv: ">=0.5" },
      schema: 1,
    };
    expect(renderDhtConfig(shuffled)).toBe(renderDhtConfig(full));
  });

  it("omits empty sections and quotes values YAML would otherwise retype", () => {
    const text = renderDhtConfig({
      schema: 1,
      tools: {},
      systemPackages: {},
      languages: { go: "1.22", rust: "true" },
    });
    expect(text).toContain('go: "1.22"');
    expect(text).toContain('rust: "true"');
    expect(text).not.toContain("tools");
    expect(text).not.toContain("systemPackages");
  });

  it("reads back every tricky string as the same string", () => {
    const tricky = [
      ".inf",
      "1e3",
      "0x1f",
      "yes",
      "~=1.0",
      "null",
      "a: b",
      "#x",
      "-x",
      "3.12",
      "12:30",
      ">=1,<2",
      "x y",
    ];
    const languages = Object.fromEntries(tricky.map((value, i) => [`k${i}`, value]));
    expect(parseDhtConfig(renderDhtConfig({ schema: 1, languages })).languages).toEqual(languages);
  });

  it("round-trips through parseDhtConfig", () => {
    const parsed = parseDhtConfig(renderDhtConfig(full));
    expect(parsed).toEqual({
      ...full,
      extras: ["docs", "test"],
      systemPackages: { apt: ["libpq-dev", "zlib1g-dev"] },
    });
    expect(renderDhtConfig(parsed)).toBe(renderDhtConfig(full));
  });
});

describe("parseDhtConfig", () => {
  it("rejects an unknown schema version, at its line", () => {
    const error = parseError(`# c\nlock:\n  file: uv.lock\n  digest: sha256:${"a".repeat(64)}\nschema: 2\n`);
    expect(error.code).toBe("badInput");
    expect(error.message).toContain("unsupported schema version 2");
    expect(error.line).toBe(5);
    expect(error.file).toBe(".dhtconfig");
  });

  it("requires the schema", () => {
    expect(parseError("python:\n  version: 3.12.1\n  implementation: cpython\n").message).toContain("schema");
  });

  it("rejects wrong types and malformed values at their line", () => {
    const wrongType = parseError("schema: 1\npython:\n  version: 3.12\n  implementation: cpython\n");
    expect(wrongType.message).toContain("python.version must be a string");
    expect(wrongType.line).toBe(3);
    const notExact = parseError('schema: 1\npython:\n  version: "3.12"\n  implementation: cpython\n');
    expect(notExact.message).toContain("exact version");
    const badDigest = parseError("schema: 1\nlock:\n  file: uv.lock\n  digest: md5:abc\n");
    expect(badDigest.message).toContain("lock.digest");
    expect(badDigest.line).toBe(4);
    expect(parseError("schema: 1\nsystemPackages:\n  apt: libpq-dev\n").message).toContain("must be a list");
    const badExtra = parseError("schema: 1\nextras:\n  - test\n  - Not_Normal\n");
    expect(badExtra.message).toContain("not a normalised extra name");
    expect(badExtra.line).toBe(4);
  });

  it("rejects absolute paths and paths leaving the project", () => {
    const d = `sha256:${"a".repeat(64)}`;
    expect(parseError(`schema: 1\nlock:\n  file: /home/me/uv.lock\n  digest: ${d}\n`).message).toMatch(
      /absolute path/,
    );
    expect(parseError(`schema: 1\nlock:\n  file: ../uv.lock\n  digest: ${d}\n`).message).toContain(
      "inside the project",
    );
    expect(parseError("schema: 1\ntools:\n  uv: /usr/local/bin/uv\n").message).toContain("tools.uv");
    expect(parseError("schema: 1\ntools:\n  uv: ~/bin/uv\n").message).toContain("tools.uv");
  });

  it("rejects unknown keys, invalid YAML and duplicate keys", () => {
    const unknown = parseError("schema: 1\ncreated: 2024-01-01\n");
    expect(unknown.message).toContain("unknown key `created`");
    expect(unknown.line).toBe(2);
    expect(parseError("schema: 1\npython: [\n").code).toBe("badInput");
    expect(parseError("schema: 1\nschema: 1\n").message).toMatch(/unique|duplicate/i);
    expect(parseError("- a\n- b\n").message).toContain("mapping");
  });
});

describe("files", () => {
  it("reads null when missing, writes atomically and only when the bytes change", () => {
    const root = tempDir();
    expect(readDhtConfig(root)).toBeNull();
    expect(writeDhtConfig(root, full)).toBe(true);
    const path = join(root, ".dhtconfig");
    const before = statSync(path).mtimeMs;
    expect(writeDhtConfig(root, { ...full })).toBe(false);
    expect(statSync(path).mtimeMs).toBe(before);
    expect(readDhtConfig(root)).toEqual(parseDhtConfig(readFileSync(path, "utf8")));
    writeFileSync(path, "schema: 3\n");
    expect(() => readDhtConfig(root)).toThrow(/schema version 3/);
  });

  it("hashes files as sha256:<hex>", () => {
    const root = tempDir();
    writeFileSync(join(root, "x"), "hello\n");
    expect(sha256File(join(root, "x"))).toBe(
      "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03",
    );
  });
});

describe("platformKey", () => {
  it("names platforms the way the checksum keys are written", () => {
    expect(platformKey("linux", "x64")).toBe("linux-x86_64");
    expect(platformKey("linux", "arm64")).toBe("linux-aarch64");
    expect(platformKey("darwin", "arm64")).toBe("macos-arm64");
    expect(platformKey("win32", "x64")).toBe("windows-x86_64");
  });
});

describe("inferred requirements in .dhtconfig", () => {
  it("round-trip sorted, a version bound allowed; anything else is refused at its line", () => {
    const config: DhtConfig = { schema: 1, inferred: ["setuptools<82", "pyyaml", "python-dateutil"] };
    const text = renderDhtConfig(config);
    expect(text).toContain('inferred:\n  - python-dateutil\n  - pyyaml\n  - "setuptools<82"\n');
    expect(parseDhtConfig(text).inferred).toEqual(["python-dateutil", "pyyaml", "setuptools<82"]);
    const option = parseError("schema: 1\ninferred:\n  - pyyaml\n  - --index-url=https://evil.example\n");
    expect(option.message).toContain("not a normalised distribution name");
    expect(option.line).toBe(4);
    expect(parseError("schema: 1\ninferred:\n  - PyYAML\n").message).toContain("inferred");
    expect(parseError("schema: 1\ninferred:\n  - 'six; python_version < \"3\"'\n").message).toContain(
      "inferred",
    );
  });
});
