/**
 * The app's server: Next.js inside a plain node:http server. It exists for what Next cannot do on its own:
 * validate configuration and migrate before listening, and tell route code the client's real IP address
 * (from the socket, or a trusted proxy's X-Forwarded-For), which Next does not expose.
 */
import next from "next";
import { closeRawClient } from "@/db/client";
import { getRawClient } from "@/db/index";
import { ConfigError, getEnv, type Env } from "./env";
import { bootstrap } from "@/lib/bootstrap/bootstrap";
import { createTextDeliverer } from "@/lib/delivery/create-deliverer";
import { remindExpiring } from "@/lib/mappings/remind-expiring";
import { purgeExpired } from "@/lib/private/purge-expired";
import { now } from "@/lib/clock";
import { getDb } from "@/db/index";
import { createTrustedProxyList } from "@/http/client-ip";
import { createAppServer } from "@/http/create-app-server";
import { logFailure } from "@/lib/log/log-failure";
import { flushUsage } from "@/lib/metrics/usage";
import { POST as lookupBatch } from "@/app/api/v1/lookup/batch/route";
import { POST as lookupOne } from "@/app/api/v1/lookup/route";
import { POST as tokenRequest } from "@/app/api/v1/privacy-pass/token-request/route";
import { ohttpGateway } from "@/http/ohttp-gateway";

const USAGE_FLUSH_MS = 10_000;

function loadEnv(): Env {
  try {
    const env = getEnv();
    createTrustedProxyList(env.trustedProxies);
    createTrustedProxyList(env.metrics.allow, "METRICS_ALLOW");
    return env;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof Error) {
      console.error(`mimi-discovery cannot start.\n${error.message}\nSee README.md, "Configuration".`);
      process.exit(1);
    }
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

async function main(): Promise<void> {
  const env = loadEnv();
  const dev = process.argv.includes("--dev");
  // Development reads its logs in a terminal; anything else hands them to a collector as JSON lines.
  if (dev) process.env.LOG_FORMAT ??= "pretty";
  await bootstrap(env);
  announceDeliveryMode(env);

  const app = next({ dev, hostname: env.host, port: env.port });
  const handle = app.getRequestHandler();
  await app.prepare();
  const trustedProxies = createTrustedProxyList(env.trustedProxies);

  // The same handlers Next would run, minus Next's per-request cost on the hottest path.
  const directPost = new Map([
    ["/api/v1/lookup", lookupOne],
    ["/api/v1/lookup/batch", lookupBatch],
    ["/api/v1/ohttp", ohttpGateway],
    ["/api/v1/privacy-pass/token-request", tokenRequest],
  ]);
  if (env.testHooks) {
    // Loaded only here, and only then: no production build or start ever contains a test hook.
    const { testHookRoutes } = await import("./test/hooks/routes");
    for (const [path, hook] of testHookRoutes()) directPost.set(path, hook);
  }
  const server = createAppServer(handle, {
    trustedProxies,
    requireHttps: env.deployment === "production",
    publicOrigin: env.publicOrigin,
    directPost,
    development: dev,
    metrics: { token: env.metrics.token, allow: createTrustedProxyList(env.metrics.allow, "METRICS_ALLOW") },
  });
  server.listen(env.port, env.host, () => {
    console.log(`mimi-discovery (${env.deployment}) listening on ${env.publicOrigin}`);
  });

  // Expiry reminders: every instance runs them; row claims make sure each mapping is reminded once.
  const remind = () =>
    remindExpiring({
      db: getDb(),
      deliverText: createTextDeliverer({ db: getDb(), origin: env.publicOrigin, smtp: env.smtp, smsGateway: env.smsGateway, now }),
      issuer: env.publicOrigin,
      now: now(),
    }).catch((error: unknown) => console.error("expiry reminders failed:", (error as Error)?.name));
  setInterval(remind, 60 * 60_000).unref();
  setTimeout(remind, 30_000).unref();

  // The dashboard's usage counts, added to the database every few seconds (and kept for later if it is down).
  const flush = () => flushUsage(getDb()).catch((error: unknown) => logFailure("usage flush", error));
  setInterval(flush, USAGE_FLUSH_MS).unref();

  // Private lookups: spent tokens, opened requests and keys past their time are forgotten (README, "Private lookups").
  const purge = () => purgeExpired(getDb(), now()).catch((error: unknown) => logFailure("purging expired private-lookup entries", error));
  setInterval(purge, 10 * 60_000).unref();

  const shutdown = (signal: string) => {
    console.log(`${signal}: closing`);
    server.close(() => {
      void flush()
        .then(() => closeRawClient(getRawClient()))
        .finally(() => process.exit(0));
    });
    setTimeout(() => process.exit(0), 5_000).unref();
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error("mimi-discovery failed to start:", error);
  process.exit(1);
});
