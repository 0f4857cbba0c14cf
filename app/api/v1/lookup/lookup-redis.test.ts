import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { installEnv } from "@/env";
import { authenticateApiKey } from "@/lib/api-keys/manage-api-keys";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { testEnv } from "@/test/support/test-env";
import { POST as batchLookup } from "./batch/route";
import { POST as lookup } from "./route";

// Runs against a real Redis when TEST_REDIS_URL is set (CI sets it); a newcomer's `npm test` needs none.
const REDIS_URL = testEnv.TEST_REDIS_URL;
const URL_SINGLE = "http://localhost:3000/api/v1/lookup";
const URL_BATCH = "http://localhost:3000/api/v1/lookup/batch";

// Each test makes its own harness, so its own database and its own Redis connection, and closes both.
let app: Awaited<ReturnType<typeof createAppHarness>> | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe("lookup limits kept in Redis (REDIS_URL)", () => {
  it.runIf(Boolean(REDIS_URL))("shares the bucket through Redis and refuses once spent", async () => {
    app = await createAppHarness({ REDIS_URL: REDIS_URL! });
    const mspId = `redis-${Date.now()}.example`;
    const key = await app.mspKey(mspId, { burst: 20, refill: 0.01 });
    const statuses: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      const response = await batchLookup(apiRequest(URL_BATCH, { csis: Array.from({ length: 8 }, (_, i) => `r${round}-${i}@example.com`) }, { key }));
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 429]);
    // The bucket is in Redis, not in the database's table.
    const redis = new Redis(REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0 });
    try {
      await redis.connect();
      expect(Number(await redis.hget(`rate:lookup:${mspId}`, "tokens"))).toBeCloseTo(4, 0);
      await redis.del(`rate:lookup:${mspId}`);
    } finally {
      redis.disconnect();
    }
  });

  it("fails closed with 503 when Redis is down, though the database answers and the key is valid", async () => {
    app = await createAppHarness({ REDIS_URL: "redis://127.0.0.1:9" });
    const key = await app.mspKey("down.example");
    // Everything but the limiter store works: the database is up and the key is a live MSP key.
    expect(await authenticateApiKey(app.db, key)).toMatchObject({ ownerKind: "msp", mspId: "down.example" });
    const response = await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key }));
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(((await response.json()) as { code: string }).code).toBe("service_unavailable");
    expect(await authenticateApiKey(app.db, key)).toMatchObject({ ownerKind: "msp", mspId: "down.example" });

    // The same request, the same database and key, with a limiter store that answers (PostgreSQL's): answered.
    installEnv({ ...app.env, redisUrl: undefined });
    const answered = await lookup(apiRequest(URL_SINGLE, { csi: "bob@example.com" }, { key }));
    expect(answered.status).toBe(200);
    expect(await answered.json()).toEqual({ csi: "mailto:bob@example.com", result: "none", mappings: [] });
  });
});
