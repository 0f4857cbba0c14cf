import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The DP imports the MSP kit by its package name, as an MSP would; in this repository the name means its sources
// (tsconfig.json's paths say the same for tsc, tsx and Next). Only the package's public entries are mapped.
const kitEntries = ["browser", "cli", "testing"].map((entry) => ({
  find: new RegExp(`^@mimi-discovery/msp-kit/${entry}$`, "u"),
  replacement: here(`./packages/msp-kit/src/${entry}.ts`),
}));

export default defineConfig({
  resolve: {
    alias: [
      // "server-only" throws outside React Server Components; in tests, server code is simply server code.
      { find: /^server-only$/u, replacement: here("./test/support/empty-module.ts") },
      ...kitEntries,
      { find: /^@mimi-discovery\/msp-kit$/u, replacement: here("./packages/msp-kit/src/index.ts") },
      { find: /^@\//u, replacement: here("./") },
    ],
  },
  test: {
    // Every test file in the repository, so that a new folder cannot be forgotten; e2e/ is Playwright's.
    include: ["**/*.test.ts"],
    exclude: [...configDefaults.exclude, "e2e/**", ".next/**", ".data/**", "packages/*/dist/**", ".stryker-tmp/**", "reports/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["./test/support/setup.ts"],
    // next-auth imports "next/server" without a file extension, which Node's ESM resolver refuses; Vite resolves it.
    server: { deps: { inline: ["next-auth"] } },
  },
});
