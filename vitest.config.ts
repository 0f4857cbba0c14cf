import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      // "server-only" throws outside React Server Components; in tests, server code is simply server code.
      "server-only": fileURLToPath(new URL("./test/support/empty-module.ts", import.meta.url)),
      "@": fileURLToPath(new URL("./", import.meta.url)),
    },
  },
  test: {
    include: ["lib/**/*.test.ts", "db/**/*.test.ts", "test/**/*.test.ts", "app/**/*.test.ts", "*.test.ts"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["./test/support/setup.ts"],
  },
});
