import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Configuration variables of env.ts (and a few of Node's and Next's) never passed through from the caller's shell. */
const APP_VARIABLES = [
  "MIMI_DEPLOYMENT",
  "WEB_CONCURRENCY",
  "HOST",
  "PORT",
  "PUBLIC_ORIGIN",
  "DATA_DIR",
  "DATABASE_URL",
  "AUTH_SECRET",
  "SMTP_URL",
  "SMTP_FROM",
  "SMS_GATEWAY_URL",
  "SMS_GATEWAY_TOKEN",
  "PHONE_REGIONS",
  "DEFAULT_PHONE_REGION",
  "TRUSTED_PROXIES",
  "SEED_DEMO_MSPS",
  "TEST_HOOKS",
  "MAPPING_TTL_DAYS",
  "MAX_BATCH",
  "REDIS_URL",
  "OPERATORS",
  "DATABASE_DEADLINE_MS",
  "DATABASE_STATEMENT_TIMEOUT_MS",
  "DATABASE_PREPARED_STATEMENTS",
  "DATABASE_REPLICA_URL",
  "DATABASE_REPLICA_NAME",
  "DATABASE_REPLICA_MAX_LAG_MS",
  "DATABASE_STARTUP_TIMEOUT_SECONDS",
  "SHUTDOWN_GRACE_SECONDS",
  "NODE_OPTIONS",
];

/**
 * The app's environment for the benchmark: production mode, the bench database, a local deployment (plain
 * HTTP on loopback is allowed), no Redis (rate-limit buckets in PostgreSQL, the default), a DATA_DIR outside the
 * working tree so nothing is written into it.
 */
export function appEnvironment(options: { databaseUrl: string; port: number; issuer: string; authSecret: string; maxBatch: number; workers: number }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of APP_VARIABLES) delete env[name];
  return {
    ...env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    MIMI_DEPLOYMENT: "local",
    HOST: "127.0.0.1",
    PORT: String(options.port),
    PUBLIC_ORIGIN: options.issuer,
    DATABASE_URL: options.databaseUrl,
    AUTH_SECRET: options.authSecret,
    DATA_DIR: path.join(tmpdir(), "mimi-bench-data"),
    SEED_DEMO_MSPS: "true",
    TEST_HOOKS: "0",
    MAX_BATCH: String(options.maxBatch),
    WEB_CONCURRENCY: String(options.workers),
  };
}

function logTo(file: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  return createWriteStream(file, { flags: "a" });
}

/** `next build`, its output shown as it goes. Rejects on a non-zero exit. */
export async function buildApp(env: NodeJS.ProcessEnv, track: (child: ChildProcess) => void): Promise<number> {
  const started = performance.now();
  const child = spawn(process.execPath, [path.join(repoRoot, "node_modules/next/dist/bin/next"), "build"], { cwd: repoRoot, env, stdio: "inherit" });
  track(child);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`next build failed (exit ${code}); fix the build or run with --no-build against an existing one`);
  return (performance.now() - started) / 1000;
}

export function hasBuild(): boolean {
  return existsSync(path.join(repoRoot, ".next", "BUILD_ID"));
}

export type ServerProcess = { name: string; child: ChildProcess; logFile: string; stop: () => Promise<void> };

/**
 * Starts a TypeScript entry with `node --import tsx` (what `tsx file` does, without tsx's wrapper process, so
 * the pid is the server's own), output appended to `logFile`, and resolves once `healthUrl` answers 200.
 */
export async function startServer(options: {
  name: string;
  entry: string;
  args?: string[];
  env: NodeJS.ProcessEnv;
  healthUrl: string;
  logFile: string;
  timeoutMs: number;
  track: (child: ChildProcess) => void;
}): Promise<ServerProcess> {
  const log = logTo(options.logFile);
  const child = spawn(process.execPath, ["--import", "tsx", options.entry, ...(options.args ?? [])], { cwd: repoRoot, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  options.track(child);
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  let exited: string | undefined;
  child.on("exit", (code, signal) => {
    exited = signal ?? `code ${code}`;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      await gone;
      clearTimeout(timer);
    }
    log.end();
  };

  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (exited !== undefined) {
      await stop();
      throw new Error(`${options.name} exited (${exited}) before answering ${options.healthUrl}; see ${options.logFile}`);
    }
    try {
      const response = await fetch(options.healthUrl, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${options.name} did not answer ${options.healthUrl} within ${options.timeoutMs / 1000} s; see ${options.logFile}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { name: options.name, child, logFile: options.logFile, stop };
}
