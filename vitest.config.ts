import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/src/**/*.test.ts", "registries/*/src/**/*.test.ts", "test/**/*.test.ts"],
    // Tests start real servers and run real clients (cargo, makepkg, pip): generous bounds, not timings.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Nothing a test prints may leak a secret; tests check their own output, and CI reads it too.
    reporters: process.env.CI ? ["default", ["json", { outputFile: ".ci/results.json" }]] : ["default"],
  },
});
