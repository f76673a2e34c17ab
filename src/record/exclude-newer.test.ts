import { describe, expect, it } from "vitest";
import { parseDhtConfig, renderDhtConfig } from "./dhtconfig.js";
import { nextDhtConfig } from "./next-config.js";

const built = {
  lockFile: ".dhtl/requirements.lock",
  lockDigest: `sha256:${"a".repeat(64)}`,
  inputDigest: null,
  checksum: `sha256:${"b".repeat(64)}`,
  python: { version: "3.7.16", implementation: "CPython" },
};

describe(".dhtconfig lock.excludeNewer", () => {
  it("is written by setup, kept by regenerate, and reads back as written", () => {
    const setup = nextDhtConfig(
      null,
      { command: "setup", recordPython: "3.7.16", extras: [], excludeNewer: "2018-05-26T13:19:57Z" },
      built,
      "linux-x86_64",
    );
    const text = renderDhtConfig(setup);
    expect(text).toContain("  excludeNewer: 2018-05-26T13:19:57Z\n");
    expect(parseDhtConfig(text).lock?.excludeNewer).toBe("2018-05-26T13:19:57Z");
    const regenerate = nextDhtConfig(
      setup,
      { command: "regenerate", recordPython: null, extras: [] },
      built,
      "linux-x86_64",
    );
    expect(regenerate.lock?.excludeNewer).toBe("2018-05-26T13:19:57Z");
    const today = nextDhtConfig(
      setup,
      { command: "setup", recordPython: null, extras: [], excludeNewer: null },
      built,
      "linux-x86_64",
    );
    expect(today.lock?.excludeNewer).toBeUndefined();
  });

  it("refuses anything but an RFC 3339 UTC time, naming the line", () => {
    const text = `schema: 1\nlock:\n  file: uv.lock\n  digest: sha256:${"a".repeat(64)}\n  excludeNewer: last week\n`;
    expect(() => parseDhtConfig(text)).toThrow(/lock.excludeNewer/);
  });
});
