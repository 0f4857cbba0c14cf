import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The DP imports the MSP kit by its package name, as an MSP would; in this repository the name means its sources
// (tsconfig.json's paths say the same for tsc, tsx and Next). Only the package's public entries are mapped.
const kitEntries = ["browser", "cli", "relay", "testing"].map((entry) => ({
  find: new RegExp(`^@mimi-discovery/msp-kit/${entry}$`, "u"),
  replacement: here(`./packages/msp-kit/src/${entry}.ts`),
}));

const excluded = [...configDefaults.exclude, "e2e/**", ".next/**", ".data/**", "packages/*/dist/**", ".stryker-tmp/**", "reports/**"];
// Tests that start servers of their own heavy enough to disturb others: they run after the rest.
const ALONE = "test/replica";

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
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: ["./test/support/setup.ts"],
    // next-auth imports "next/server" without a file extension, which Node's ESM resolver refuses; Vite resolves it.
    server: { deps: { inline: ["next-auth"] } },
    projects: [
      {
        extends: true,
        // Every test file in the repository, so that a new folder cannot be forgotten; e2e/ is Playwright's.
        test: { name: "main", include: ["**/*.test.ts"], exclude: [...excluded, `${ALONE}/**`] },
      },
      {
        // The streaming replica test runs a primary and a standby of its own: on a two-core machine, beside the
        // timing-sensitive fault tests (test/faults/haproxy.test.ts's down checks), they made those fail. So it
        // runs after every other file has finished, one file at a time.
        extends: true,
        test: { name: "alone", include: [`${ALONE}/**/*.test.ts`], exclude: excluded, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
