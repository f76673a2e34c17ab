import { describe, expect, it } from "vitest";
import { everyRequirementHashed } from "./install.js";

describe("everyRequirementHashed", () => {
  const hashed = [
    "# Compiled by dhtl",
    "--index-url https://pypi.org/simple",
    "colorama==0.4.6 ; sys_platform == 'win32' \\",
    "    --hash=sha256:08695f5cb7ed6e0531a20572697297273c47b8cae5a63ffc6d6ed5c201be6e44 \\",
    "    --hash=sha256:4f1d9991f5acc0ca119f9d443620b77f9d6b33703e51011c16baf57afb285fc6",
    "    # via pytest",
    "six==1.16.0 --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254",
    "",
  ].join("\n");

  it("holds for a compiled lock: continuation lines, markers, annotations and index options", () => {
    expect(everyRequirementHashed(hashed)).toBe(true);
  });

  it("fails for a line without a hash, an include, a path or an empty file", () => {
    expect(everyRequirementHashed(`${hashed}idna==3.7\n`)).toBe(false);
    expect(everyRequirementHashed(`${hashed}-r other.txt\n`)).toBe(false);
    expect(everyRequirementHashed(`${hashed}-e ./lib\n`)).toBe(false);
    expect(everyRequirementHashed("# nothing\n")).toBe(false);
  });
});
