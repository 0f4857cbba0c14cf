import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSharedRedis } from "@/lib/rate-limit/redis-client";
import { parseEnv } from "@/env";
import { createAppHarness } from "@/test/support/app-harness";
import { freePort } from "@/test/support/api-server";
import { testEnv } from "@/test/support/test-env";
import { createTrustedProxyList } from "./client-ip";
import { createAppServer } from "./create-app-server";
import { lookupDependencies } from "./dependencies";
import { healthRoutes, type Phase } from "./health";

/** Liveness and readiness on a real server, against a real database and a real (or a missing) Redis. */
let app: Awaited<ReturnType<typeof createAppHarness>>;
beforeAll(async () => {
  app = await createAppHarness();
});
afterAll(async () => {
  closeSharedRedis();
  await app.close();
});

async function serveHealth(redisUrl: string | undefined, phase: Phase = "ready") {
  const env = parseEnv({ DATA_DIR: app.env.dataDir, AUTH_SECRET: app.env.authSecret, ...(redisUrl ? { REDIS_URL: redisUrl } : {}) });
  const server = createAppServer((_req, res) => void res.writeHead(404).end(), {
    trustedProxies: createTrustedProxyList([]),
    requireHttps: true,
    publicOrigin: app.origin,
    directGet: healthRoutes({ origin: app.origin, phase: () => phase, dependencies: () => lookupDependencies(env, () => app.db), timeoutMs: 1_000 }),
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe("GET /api/health/live and /api/health/ready", () => {
  it("ready with the database (and the limiter in PostgreSQL): 200, no-store, over plain HTTP even in production", async () => {
    const { base, close } = await serveHealth(undefined);
    try {
      for (const path of ["/api/health/ready", "/api/health"]) {
        const response = await fetch(base + path);
        expect(response.status).toBe(200);
        expect(response.headers.get("cache-control")).toBe("no-store");
        expect(await response.json()).toEqual({ status: "ready", checks: { database: "up" } });
      }
    } finally {
      await close();
    }
  });

  it("Redis down: not ready (503 problem+json naming the limiter, Retry-After), yet alive", async () => {
    // Nothing listens on that port: Redis is down.
    const { base, close } = await serveHealth(`redis://127.0.0.1:${await freePort()}`);
    try {
      const ready = await fetch(`${base}/api/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get("content-type")).toBe("application/problem+json");
      expect(ready.headers.get("retry-after")).toBe("5");
      const body = (await ready.json()) as { code: string; detail: string; checks: Record<string, string> };
      expect(body).toMatchObject({ code: "service_unavailable", checks: { database: "up", limiter: "down" }, detail: "Not ready: limiter does not answer." });
      const live = await fetch(`${base}/api/health/live`);
      expect(live.status).toBe(200);
      expect(await live.json()).toEqual({ status: "alive", phase: "ready" });
    } finally {
      await close();
    }
  });

  it.skipIf(!testEnv.TEST_REDIS_URL)("Redis up: ready, with the limiter checked", async () => {
    const { base, close } = await serveHealth(testEnv.TEST_REDIS_URL);
    try {
      expect(await (await fetch(`${base}/api/health/ready`)).json()).toEqual({ status: "ready", checks: { database: "up", limiter: "up" } });
    } finally {
      await close();
    }
  });

  it("draining or starting: not ready, whatever the dependencies say", async () => {
    for (const phase of ["draining", "starting"] as const) {
      const { base, close } = await serveHealth(undefined, phase);
      try {
        const ready = await fetch(`${base}/api/health/ready`);
        expect(ready.status).toBe(503);
        expect(((await ready.json()) as { phase: string }).phase).toBe(phase);
        expect((await fetch(`${base}/api/health/live`)).status).toBe(200);
      } finally {
        await close();
      }
    }
  });
});
