import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import type { DistributionRecord } from "./dist-records.js";
import { findModifiedFiles, parseRecordDigest } from "./record-hashes.js";

afterAll(removeTempDirs);

const content = Buffer.from("VALUE = 1\n");
const digest = (algorithm: string) => createHash(algorithm).update(content).digest();

describe("parseRecordDigest", () => {
  it("reads every form installers wrote: urlsafe base64 with and without padding, standard base64, hex", () => {
    const sha256 = digest("sha256");
    const forms = [
      `sha256=${sha256.toString("base64url")}`,
      `sha256=${sha256.toString("base64url")}=`,
      `sha256=${sha256.toString("base64")}`,
      `sha256=${sha256.toString("hex")}`,
      `sha256=${sha256.toString("hex").toUpperCase()}`,
      `SHA256=${sha256.toString("base64url")}`,
    ];
    for (const form of forms)
      expect(parseRecordDigest(form), form).toEqual({ algorithm: "sha256", digest: sha256 });
  });

  it("knows hashlib's other algorithms under their RECORD names", () => {
    for (const [name, node] of [
      ["sha384", "sha384"],
      ["sha512", "sha512"],
      ["sha3_256", "sha3-256"],
      ["blake2b", "blake2b512"],
      ["sha1", "sha1"],
    ] as const) {
      const raw = digest(node);
      expect(parseRecordDigest(`${name}=${raw.toString("base64url")}`)).toEqual({
        algorithm: node,
        digest: raw,
      });
      expect(parseRecordDigest(`${name}=${raw.toString("hex")}`)).toEqual({ algorithm: node, digest: raw });
    }
  });

  it("gives up on what it cannot check: unknown algorithms, wrong lengths, junk", () => {
    const sha256 = digest("sha256");
    expect(parseRecordDigest(`whirlpool=${sha256.toString("hex")}`)).toBeNull();
    expect(parseRecordDigest(`sha256=${sha256.toString("hex").slice(2)}`)).toBeNull();
    expect(parseRecordDigest(`sha256=${sha256.toString("base64url").slice(1)}`)).toBeNull();
    expect(parseRecordDigest("sha256=not*base64!")).toBeNull();
    expect(parseRecordDigest("sha256")).toBeNull();
    expect(parseRecordDigest("")).toBeNull();
  });
});

describe("findModifiedFiles", () => {
  it("checks hex and padded rows like spec rows, and still reports a changed file", () => {
    const site = tempDir();
    mkdirSync(join(site, "pkg"));
    writeFileSync(join(site, "pkg", "a.py"), content);
    writeFileSync(join(site, "pkg", "b.py"), content);
    writeFileSync(join(site, "pkg", "c.py"), "changed\n");
    const record = [
      { path: "pkg/a.py", hash: `sha256=${digest("sha256").toString("hex")}` },
      { path: "pkg/b.py", hash: `sha512=${digest("sha512").toString("base64url")}==` },
      { path: "pkg/c.py", hash: `sha256=${digest("sha256").toString("hex")}` },
      { path: "pkg/gone.py", hash: `sha256=${digest("sha256").toString("base64url")}` },
      { path: "pkg/unhashed.py", hash: "" },
    ];
    const dist = {
      name: "pkg",
      version: "1",
      distInfo: join(site, "pkg-1.dist-info"),
      record,
      editable: false,
    };
    expect(findModifiedFiles([dist])).toEqual(["pkg/c.py", "pkg/gone.py"]);
  });
});

describe("findModifiedFiles with files two wheels install", () => {
  const sha = (text: string) => `sha256=${createHash("sha256").update(text).digest("base64url")}`;

  it("a script two wheels install (fastapi and fastapi-cli's bin/fastapi) is intact when it matches either", () => {
    const venv = tempDir();
    const site = join(venv, "lib", "python3.12", "site-packages");
    const dist = (name: string, rows: [string, string][]): DistributionRecord => {
      const distInfo = join(site, `${name}-1.0.dist-info`);
      mkdirSync(distInfo, { recursive: true });
      return {
        name,
        version: "1.0",
        distInfo,
        editable: false,
        record: rows.map(([path, hash]) => ({ path, hash })),
      };
    };
    mkdirSync(join(venv, "bin"), { recursive: true });
    mkdirSync(site, { recursive: true });
    writeFileSync(join(venv, "bin", "fastapi"), "#!python\nfrom fastapi_cli.cli import main\n");
    writeFileSync(join(site, "fastapi.py"), "x = 1\n");
    const fastapi = dist("fastapi", [
      ["../../../bin/fastapi", sha("#!python\nfrom fastapi.cli import main\n")],
      ["fastapi.py", sha("x = 1\n")],
    ]);
    const cli = dist("fastapi-cli", [
      ["../../../bin/fastapi", sha("#!python\nfrom fastapi_cli.cli import main\n")],
    ]);
    expect(findModifiedFiles([fastapi, cli])).toEqual([]);
    writeFileSync(join(venv, "bin", "fastapi"), "#!python\nimport evil\n");
    writeFileSync(join(site, "fastapi.py"), "x = 2\n");
    // Matching neither owner: reported once.
    expect(findModifiedFiles([fastapi, cli])).toEqual(["../../../bin/fastapi", "fastapi.py"]);
  });
});
