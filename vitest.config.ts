import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Tests drive real uv/Python/git; two workers match the 2-core machines CI runs on.
    pool: "forks",
    maxWorkers: 2,
    reporters: ["default", "./test/support/count-reporter.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
  },
});
