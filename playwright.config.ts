import { defineConfig, devices } from "@playwright/test";

// Settable, so that two checkouts on one machine can run their e2e suites side by side.
const PORT = Number(process.env.E2E_PORT ?? 3210);
const SMOKE_PORT = Number(process.env.E2E_SMOKE_PORT ?? 3211);
const origin = `http://localhost:${PORT}`;

/**
 * e2e runs the production build (`next build`, then the custom server) in Debian's Chromium. Every spec runs
 * against a fresh PostgreSQL database when TEST_DATABASE_URL names a server (CI sets it), else against the
 * embedded database; the smoke spec runs against the embedded database always (e2e/support/serve.ts starts both).
 * The servers trust loopback as a proxy so that each test can present its own client address (X-Forwarded-For),
 * and per-IP code limits do not leak from one test into another.
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
    { name: "ui", testIgnore: /(smoke|operations|cluster)\.spec\.ts$/u, use: { ...devices["Desktop Chrome"], channel: undefined, baseURL: origin } },
    // Server processes started, signalled and stopped by the tests themselves: no browser, ports of their own.
    { name: "operations", testMatch: /(operations|cluster)\.spec\.ts$/u },
    { name: "embedded", testMatch: /smoke\.spec\.ts$/u, use: { ...devices["Desktop Chrome"], channel: undefined, baseURL: `http://localhost:${SMOKE_PORT}` } },
  ],
  webServer: {
    command: "npm run build && tsx e2e/support/serve.ts",
    url: `${origin}/api/health`,
    reuseExistingServer: !process.env.CI,
    // SIGTERM, so that serve.ts stops the servers and drops the fresh database (the default is SIGKILL).
    gracefulShutdown: { signal: "SIGTERM", timeout: 15_000 },
    timeout: 240_000,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      E2E_PORT: String(PORT),
      E2E_SMOKE_PORT: String(SMOKE_PORT),
      E2E_DATABASE_URL: process.env.TEST_DATABASE_URL ?? "",
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
