import { cachedDataVersionTag } from "node:v8";
import { describe, expect, it } from "vitest";
import { mayTune, withScanTuning } from "./scan-tuning.js";

// V8's code-cache tag hashes its flags: it shows whether the flags are in force, and that it is set back
// (a changed tag at exit would make bin/dhtl.js's code cache useless to the next run).
describe("withScanTuning", () => {
  it("changes V8's flags only while the work runs", async () => {
    const before = cachedDataVersionTag();
    let during = before;
    const result = await withScanTuning(async () => {
      during = cachedDataVersionTag();
      return 42;
    });
    expect(result).toBe(42);
    expect(during).not.toBe(before);
    expect(cachedDataVersionTag()).toBe(before);
  });

  it("sets them back when the work fails", async () => {
    const before = cachedDataVersionTag();
    await expect(
      withScanTuning(async () => {
        throw new Error("scan failed");
      }),
    ).rejects.toThrow("scan failed");
    expect(cachedDataVersionTag()).toBe(before);
  });

  it("leaves V8 alone when the user gives one of the flags, or the V8 is one whose defaults are unknown", () => {
    expect(mayTune("11.3.244.8-node.38", "")).toBe(true);
    expect(mayTune("11.3.244.8-node.38", "--max-old-space-size=4096")).toBe(true);
    expect(mayTune("11.3.244.8-node.38", "--semi-space-growth-factor=3")).toBe(false);
    expect(mayTune("11.3.244.8-node.38", "--max_inlined_bytecode_size_cumulative=500")).toBe(false);
    expect(mayTune("8.4.371.23-node.89", "")).toBe(false);
    expect(mayTune("14.0.1", "")).toBe(false);
  });
});
