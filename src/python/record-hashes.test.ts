import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { DistributionRecord } from "./dist-records.js";
import { findModifiedFiles } from "./record-hashes.js";

const venv = mkdtempSync(join(tmpdir(), "dhtl-record-"));
afterAll(() => rmSync(venv, { recursive: true, force: true }));
const site = join(venv, "lib", "python3.12", "site-packages");

const sha = (text: string) => `sha256=${createHash("sha256").update(text).digest("base64url")}`;

function dist(name: string, rows: [string, string][]): DistributionRecord {
  const distInfo = join(site, `${name}-1.0.dist-info`);
  mkdirSync(distInfo, { recursive: true });
  return {
    name,
    version: "1.0",
    distInfo,
    editable: false,
    record: rows.map(([path, hash]) => ({ path, hash })),
  };
}

describe("findModifiedFiles", () => {
  it("a script two wheels install (fastapi and fastapi-cli's bin/fastapi) is intact when it matches either", () => {
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
