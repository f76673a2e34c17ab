import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { removeTempDirs, tempDir } from "../../test/support/temp-dirs.js";
import { readDistributionRecords } from "./dist-records.js";

afterAll(removeTempDirs);

describe("readDistributionRecords", () => {
  it("reads names, versions, RECORD rows (quoted, CRLF) and the editable flag", () => {
    const venv = tempDir();
    const site = join(venv, "lib", "python3.12", "site-packages");
    const make = (dir: string, metadata: string, record: string, directUrl?: string) => {
      mkdirSync(join(site, dir), { recursive: true });
      writeFileSync(join(site, dir, "METADATA"), metadata);
      writeFileSync(join(site, dir, "RECORD"), record);
      if (directUrl) writeFileSync(join(site, dir, "direct_url.json"), directUrl);
    };
    make(
      "Odd_Name-2.0.dist-info",
      "Metadata-Version: 2.1\r\nName: Odd_Name\r\nVersion: 2.0\r\n\r\nbody",
      '"odd/a,b.py",sha256=AAA,3\r\nodd/__init__.py,sha256=BBB,0\r\nOdd_Name-2.0.dist-info/RECORD,,\r\n',
    );
    make(
      "mine-0.1.dist-info",
      "Name: mine\nVersion: 0.1\n",
      "_mine.pth,sha256=CCC,20\nmine-0.1.dist-info/direct_url.json,sha256=DDD,60\n",
      '{"url": "file:///src/mine", "dir_info": {"editable": true}}',
    );
    make("broken.dist-info", "Summary: no name\n", "");
    const records = readDistributionRecords(venv);
    expect(records.map(({ name, version, editable }) => ({ name, version, editable }))).toEqual([
      { name: "mine", version: "0.1", editable: true },
      { name: "odd-name", version: "2.0", editable: false },
    ]);
    expect(records[1]!.record).toEqual([
      { path: "odd/a,b.py", hash: "sha256=AAA" },
      { path: "odd/__init__.py", hash: "sha256=BBB" },
      { path: "Odd_Name-2.0.dist-info/RECORD", hash: "" },
    ]);
  });
});
