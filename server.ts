/**
 * The app's server: Next.js inside a plain node:http server. It exists for what Next cannot do on its own:
 * validate configuration, claim its port, wait for and migrate the database before serving, tell route code the
 * client's real IP address (from the socket, or a trusted proxy's X-Forwarded-For), answer liveness and readiness
 * without Next, and stop the way balancers and orchestrators expect (http/drain.ts).
 */
import cluster from "node:cluster";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import next from "next";
import { closeRawClient } from "@/db/client";
import { closeReplica, getDb, getRawClient, getReplica } from "@/db/index";
import { waitForDatabase } from "@/db/wait-for-database";
import { ConfigError, getEnv, type Env } from "./env";
import { bootstrap } from "@/lib/bootstrap/bootstrap";
import { createTextDeliverer } from "@/lib/delivery/create-deliverer";
import { describeError, logFailure } from "@/lib/log/log-failure";
import { redactQueryErrors } from "@/lib/log/redact-console";
import { remindExpiring } from "@/lib/mappings/remind-expiring";
import { flushUsage } from "@/lib/metrics/usage";
import { getMetrics } from "@/lib/metrics/metrics";
import { purgeExpired } from "@/lib/private/purge-expired";
import { startRecordJobs } from "@/lib/private/record-jobs";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { closeSharedRedis } from "@/lib/rate-limit/redis-client";
import { now } from "@/lib/clock";
import { createTrustedProxyList } from "@/http/client-ip";
import { createAppServer } from "@/http/create-app-server";
import { runClusterPrimary, WORKER_READY } from "@/http/cluster-primary";
import { aggregateWorkerMetrics, shareWorkerMetrics } from "@/http/cluster-metrics";
import { closeKeyAuthenticator, getKeyAuthenticator } from "@/http/key-authenticator";
import { returnLeasedTokens } from "@/http/bucket-store";
import { lookupDependencies } from "@/http/dependencies";
import { createDrainer, type Drainer } from "@/http/drain";
import { healthRoutes, type Phase } from "@/http/health";
import type { WebHandler } from "@/http/serve-web-handler";
import { POST as lookupBatch } from "@/app/api/v1/lookup/batch/route";
import { POST as lookupOne } from "@/app/api/v1/lookup/route";
import { POST as tokenRequest } from "@/app/api/v1/privacy-pass/token-request/route";
import { ohttpGateway } from "@/http/ohttp-gateway";
import { POST as federationLookup } from "@/app/api/v1/federation/lookup/route";
import { POST as federationInvalidations } from "@/app/api/v1/federation/invalidations/route";
import { startFederationJobs } from "@/lib/federation/federation-jobs";

const USAGE_FLUSH_MS = 10_000;

/** Ends the process with a message for the operator; the exit code says it failed. */
function fail(message: string): never {
  console.error(`mimi-discovery cannot start.\n${message}`);
  process.exit(1);
}

function loadEnv(): Env {
  try {
    const env = getEnv();
    createTrustedProxyList(env.trustedProxies);
    createTrustedProxyList(env.metrics.allow, "METRICS_ALLOW");
    return env;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof Error) fail(`${error.message}\nSee README.md, "Configuration".`);
    throw error;
  }
}

function announceDeliveryMode(env: Env): void {
  if (!env.devOutbox) return;
  const channels = [!env.smtp && "email (SMTP_URL)", !env.smsGateway && "SMS/voice (SMS_GATEWAY_URL)"].filter(Boolean);
  const line = "!".repeat(78);
  console.warn(
    `${line}\n!! DEVELOPMENT OUTBOX: codes for ${channels.join(" and ")} are NOT delivered.\n` +
      `!! They are printed here and shown at ${env.publicOrigin}/dev/outbox. Not for production.\n${line}`,
  );
}

/** Binds the port before anything slow, so that a port in use is a clear failure at once, not a silent process. */
function listen(server: Server, env: Env): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((error: unknown): never => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") fail(`Port ${env.port} on ${env.host} is already in use (another instance, or another program). Stop it, or set PORT.`);
    if (code === "EACCES") fail(`Not allowed to listen on port ${env.port} on ${env.host}. Choose another PORT.`);
    fail(`Cannot listen on ${env.host}:${env.port} (${describeError(error)}).`);
  });
}

/** Expiry reminders: every instance runs them; row leases make sure each is delivered once (lib/mappings). */
function startReminders(env: Env, drainer: Drainer): () => void {
  const deliverText = createTextDeliverer({ db: getDb(), origin: env.publicOrigin, smtp: env.smtp, smsGateway: env.smsGateway, now });
  let running = false;
  const run = () => {
    if (running || drainer.draining) return;
    running = true;
    void drainer
      .track(remindExpiring({ db: getDb(), deliverText, issuer: env.publicOrigin, now: now() }))
      .catch((error: unknown) => console.error(`expiry reminders failed: ${describeError(error)}`))
      .finally(() => (running = false));
  };
  // Often enough that a failed delivery is retried on its backoff, not an hour later.
  const interval = setInterval(run, 5 * 60_000);
  const first = setTimeout(run, 30_000);
  interval.unref();
  first.unref();
  return () => {
    clearInterval(interval);
    clearTimeout(first);
  };
}

/** The dashboard's usage counts, added to the database every few seconds (and kept for later if it is down). */
function flushUsageNow(): Promise<void> {
  return flushUsage(getDb()).then(
    () => {},
    (error: unknown) => logFailure("usage flush", error),
  );
}

/**
 * SIGTERM (or SIGINT): unhealthy at once, no new connections, idle ones closed, in-flight requests and jobs
 * finished within SHUTDOWN_GRACE_SECONDS. Exit 0 when that happened, 1 when the grace ran out and requests were
 * cut off. A second SIGINT exits at once, with 1; a second SIGTERM changes nothing.
 */
function stopOnSignals(options: { env: Env; drainer: Drainer; setPhase: (phase: Phase) => void; stopJobs: () => void }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      // A SIGTERM relayed twice (a supervisor signalling the process group, and npm passing it on) must not cut
      // the drain short; a second Ctrl-C is someone who does not want to wait.
      if (signal !== "SIGINT") return;
      console.warn("SIGINT again: exiting without waiting");
      process.exit(1);
    }
    stopping = true;
    options.setPhase("draining");
    options.stopJobs();
    const grace = options.env.shutdownGraceSeconds;
    console.log(`${signal}: draining (${options.drainer.inFlight} requests in flight, up to ${grace} s)`);
    const outcome = await options.drainer.drain(grace * 1000);
    // What the requests just counted, before the database client closes.
    await Promise.race([flushUsageNow(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    // Unspent lookup tokens back to the shared bucket, so that the other instances can spend them.
    await Promise.race([
      returnLeasedTokens(now()).then(
        ({ returned, failed }) => console.log(`leased lookup tokens: ${returned} given back${failed ? `, ${failed} lost (store unavailable)` : ""}`),
        (error: unknown) => logFailure("returning leased tokens", error),
      ),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
    await closeKeyAuthenticator();
    await Promise.race([Promise.all([closeRawClient(getRawClient()), closeReplica()]), new Promise((resolve) => setTimeout(resolve, 5_000).unref())]).catch(() => {});
    closeSharedRedis();
    if (outcome.clean) {
      console.log("stopped cleanly");
      process.exit(0);
    }
    console.error(`stopped after the ${grace} s grace: ${outcome.cutOff} requests cut off, ${outcome.unfinishedWork} jobs unfinished`);
    process.exit(1);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

/**
 * When whoever reads the log goes away (a supervisor's pipe closed), writes fail with EPIPE. Unhandled, that error
 * is logged, which fails again: a process spinning at full CPU on its own error messages. There is nobody left to
 * tell, so it is ignored; signals still stop the server.
 */
function surviveLostLog(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
    });
  }
}

async function main(): Promise<void> {
  surviveLostLog();
  redactQueryErrors();
  const env = loadEnv();
  const dev = process.argv.includes("--dev");
  // Every core: the primary forks WEB_CONCURRENCY workers, each of which runs the rest of main() as an instance.
  if (env.webConcurrency > 1 && !dev && cluster.isPrimary) {
    runClusterPrimary({ workers: env.webConcurrency, stopWithinMs: (env.shutdownGraceSeconds + 10) * 1000, log: (line) => console.log(`cluster: ${line}`) });
    aggregateWorkerMetrics();
    return;
  }
  if (cluster.isWorker) shareWorkerMetrics(getMetrics().registry);
  // Development reads its logs in a terminal; anything else hands them to a collector as JSON lines.
  if (dev) process.env.LOG_FORMAT ??= "pretty";
  // Opens the database client now: with the embedded database, this takes its folder's lock (or says who has it).
  const raw = getRawClient();
  // The standby's monitor starts checking now, so that lookups can use it once it has passed two checks.
  getReplica();
  let phase: Phase = "starting";
  // Next's handler, once it is prepared: until then the server answers health checks and 503s only.
  const serving: { handle?: (req: IncomingMessage, res: ServerResponse) => Promise<void> } = {};

  // The same handlers Next would run, minus Next's per-request cost and any Fetch conversion on the hottest path.
  const nodePost = new Map([
    ["/api/v1/lookup", lookupOne.node],
    ["/api/v1/lookup/batch", lookupBatch.node],
    ["/api/v1/privacy-pass/token-request", tokenRequest.node],
  ]);
  const directPost = new Map<string, WebHandler>([
    ["/api/v1/ohttp", ohttpGateway],
    ["/api/v1/federation/lookup", federationLookup],
    ["/api/v1/federation/invalidations", federationInvalidations],
  ]);
  if (env.testHooks) {
    // Loaded only here, and only then: no production build or start ever contains a test hook.
    const { testHookRoutes } = await import("./test/hooks/routes");
    for (const [path, hook] of testHookRoutes()) directPost.set(path, hook);
  }
  const server = createAppServer((req, res) => void serving.handle?.(req, res), {
    trustedProxies: createTrustedProxyList(env.trustedProxies),
    requireHttps: env.deployment === "production",
    publicOrigin: env.publicOrigin,
    directPost,
    nodePost,
    directGet: healthRoutes({ origin: env.publicOrigin, phase: () => phase, dependencies: () => lookupDependencies(env, getDb), timeoutMs: env.databaseDeadlineMs }),
    serving: () => serving.handle !== undefined,
    development: dev,
    metrics: { token: env.metrics.token, allow: createTrustedProxyList(env.metrics.allow, "METRICS_ALLOW") },
  });
  const drainer = createDrainer(server);
  let stopJobs = () => {};
  stopOnSignals({ env, drainer, setPhase: (next) => (phase = next), stopJobs: () => stopJobs() });
  await listen(server, env);

  await waitForDatabase(raw, { timeoutMs: env.databaseStartupTimeoutSeconds * 1000, log: (line) => console.warn(line) });
  await bootstrap(env);
  // Listening for key changes from the start, so that the first lookups can already be answered from memory.
  getKeyAuthenticator();
  announceDeliveryMode(env);
  const app = next({ dev, hostname: env.host, port: env.port });
  await app.prepare();
  const nextHandler = app.getRequestHandler();
  serving.handle = async (req, res) => nextHandler(req, res);
  if (phase === "starting") phase = "ready";
  if (cluster.isWorker) process.send?.(WORKER_READY);
  console.log(`mimi-discovery (${env.deployment}) listening on ${env.publicOrigin}`);
  const stopReminders = startReminders(env, drainer);
  const stopFederation = startFederationJobs({ env, db: getDb(), track: (work) => drainer.track(work) });
  const usage = setInterval(() => void flushUsageNow(), USAGE_FLUSH_MS);
  usage.unref();
  // Private lookups: spent tokens, opened requests and keys past their time are forgotten (README, "Private lookups").
  const purge = setInterval(() => void purgeExpired(getDb(), now()).catch((error: unknown) => logFailure("purging expired private-lookup entries", error)), 10 * 60_000);
  purge.unref();
  const stopRecordJobs = startRecordJobs({ db: getDb, sealingKey: deriveAppKeys(env.authSecret).sealing, now, drainer, onError: logFailure });
  stopJobs = () => {
    stopRecordJobs();
    stopReminders();
    stopFederation();
    clearInterval(usage);
    clearInterval(purge);
  };
}

main().catch((error: unknown) => {
  // Our own start-up refusals say what to do; anything else is named by class and code only, since a query error
  // carries its parameters (an operator's identifier, say).
  const ours = error instanceof Error && ["DATA_DIR_LOCKED", "DATABASE_STARTUP_TIMEOUT"].includes(String((error as { code?: unknown }).code));
  const isQuery = error instanceof Error && /Query|Postgres/u.test(describeError(error));
  fail(ours || (error instanceof Error && !isQuery) ? (error as Error).message : `Start-up failed: ${describeError(error)}`);
});
