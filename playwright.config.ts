import { defineConfig, devices } from "@playwright/test";

const PORT = 3210;
const origin = `http://localhost:${PORT}`;

/**
 * e2e runs the production build (`next build`, then the custom server) on an embedded PGlite in its own data
 * folder, with Debian's Chromium. The server trusts loopback as a proxy so that each test can present its own
 * client address (X-Forwarded-For) and per-IP code limits do not leak from one test into another.
 */
export default defineConfig({
  testDir: "./e2e",
  forbidOnly: !!process.env.CI,
  retries: 0,
  // One worker: the clock test hook moves the server's clock for every request while it runs.
  workers: 1,
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  timeout: 60_000,
  use: {
    baseURL: origin,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    { name: "ui", use: { ...devices["Desktop Chrome"], channel: undefined } },
  ],
  webServer: {
    command: "rm -rf .data/e2e && npm run build && npm run serve",
    url: `${origin}/api/health`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      HOST: "localhost",
      DATA_DIR: ".data/e2e",
      TEST_HOOKS: "1",
      OPERATORS: "operator@example.com",
      TRUSTED_PROXIES: "127.0.0.1,::1",
      PHONE_REGIONS: "US,GB,FR,CA",
      NEXT_TELEMETRY_DISABLED: "1",
      // e2e exercises the embedded database even where the suite's unit tests use a PostgreSQL server.
      DATABASE_URL: "",
    },
  },
});
