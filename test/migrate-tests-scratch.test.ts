import { readFileSync } from "node:fs";
import { test } from "vitest";
import { rewriteTestSource } from "../src/migrate/tests/rewrite.js";
test("x", () => {
  const r = rewriteTestSource(readFileSync("test/fixtures/migrate-tests/project/tests/test_calc.py", "utf8"));
  console.log(r.text); console.log(r.notes); console.log(r.conversions.length);
});
