import { describe, expect, it } from "vitest";
import { logicalLines } from "./requirements.js";

describe("logicalLines", () => {
  it("joins continuations, drops comments but keeps #egg= fragments, and numbers lines from their start", () => {
    const text =
      "# comment\n\na==1 \\\n  --hash=sha256:ab \\\n  --hash=sha256:cd\nb  # inline\ngit+https://h/r#egg=c\n";
    expect(logicalLines(text)).toEqual([
      { text: "a==1   --hash=sha256:ab   --hash=sha256:cd", line: 3 },
      { text: "b", line: 6 },
      { text: "git+https://h/r#egg=c", line: 7 },
    ]);
  });
});
