import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
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
