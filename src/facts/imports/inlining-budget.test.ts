import { cachedDataVersionTag } from "node:v8";
import { describe, expect, it } from "vitest";
import { withScanInliningBudget } from "./inlining-budget.js";

// V8's code-cache tag hashes its flags: it shows whether the budget is in force, and that it is set back
// (a changed tag at exit would make bin/dhtl.js's code cache useless to the next run).
describe("withScanInliningBudget", () => {
  it("changes V8's flags only while the work runs", async () => {
    const before = cachedDataVersionTag();
    let during = before;
    const result = await withScanInliningBudget(async () => {
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
      withScanInliningBudget(async () => {
        throw new Error("scan failed");
      }),
    ).rejects.toThrow("scan failed");
    expect(cachedDataVersionTag()).toBe(before);
  });
});
