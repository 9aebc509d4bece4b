import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Child processes and local servers do the work; two cores want few parallel files.
    pool: "forks",
    maxWorkers: 2,
    // GitHub's workflow parser imports its JSON schemas without import attributes, which Node
    // refuses; let Vitest transform it instead.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    reporters: ["default", ["json", { outputFile: "test-results/vitest.json" }]],
  },
});
