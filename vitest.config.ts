import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // 2-core machine: two workers keep both busy without thrashing.
    maxWorkers: 2,
    // The default output, then every skipped test grouped by what the machine lacks (test/requires.ts).
    reporters: ["default", "./test/skip-reporter.ts"],
  },
});
