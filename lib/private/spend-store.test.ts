import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";
import { createPostgresSpendStore } from "./postgres-spend-store";
import { createRedisSpendStore } from "./redis-spend-store";
import { SpendStoreUnavailable, type SpendStore } from "./spend-store";

// Like the lookup buckets: the Redis half runs when TEST_REDIS_URL is set (CI sets it), and then must pass.
const redisUrl = testEnv.TEST_REDIS_URL ?? "";
const later = () => new Date(Date.now() + 60_000);

function describeContract(name: string, open: () => Promise<{ store: SpendStore; close: () => Promise<void> }>) {
  describe(`the single-use store in ${name}`, () => {
    let opened: Awaited<ReturnType<typeof open>>;
    beforeAll(async () => {
      opened = await open();
    });
    afterAll(async () => {
      await opened?.close();
    });

    it("spends an id once, per scope, and counts a scope's live ids", async () => {
      const scope = randomUUID();
      expect(await opened.store.spend(scope, "a", later())).toBe(true);
      expect(await opened.store.spend(scope, "a", later())).toBe(false);
      expect(await opened.store.spend(`${scope}-other`, "a", later())).toBe(true);
      expect(await opened.store.spend(scope, "b", later())).toBe(true);
      expect(await opened.store.count(scope)).toBe(2);
      expect(await opened.store.count(randomUUID())).toBe(0);
    });

    it("lets exactly one of 100 concurrent spends of one token win", async () => {
      const scope = randomUUID();
      const results = await Promise.all(Array.from({ length: 100 }, () => opened.store.spend(scope, "nonce", later())));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it("forgets an id once it expired", async () => {
      const scope = randomUUID();
      expect(await opened.store.spend(scope, "gone", new Date(Date.now() + 50))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await opened.store.spend(scope, "gone", later())).toBe(true);
    });
  });
}

let database: TestDatabase;
describeContract(testEnv.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite", async () => {
  database = await createTestDatabase();
  return { store: createPostgresSpendStore(database.db), close: () => database.close() };
});

describe.runIf(Boolean(redisUrl))("with Redis", () => {
  describeContract("Redis", async () => {
    const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on("error", () => {});
    return { store: createRedisSpendStore(redis, { prefix: `test-spent-${randomUUID()}:` }), close: async () => void redis.disconnect() };
  });
});

describe("a single-use store that is down fails closed: nothing is allowed", () => {
  it("in PostgreSQL and PGlite", async () => {
    const down = openRawClient({ url: "postgres://postgres@127.0.0.1:9/none" });
    const closed = openRawClient({ memory: true });
    await closeRawClient(closed);
    try {
      for (const raw of [down, closed]) await expect(createPostgresSpendStore(wrapClient(raw)).spend("s", "i", later())).rejects.toBeInstanceOf(SpendStoreUnavailable);
    } finally {
      await closeRawClient(down);
    }
  });

  it("in Redis", async () => {
    const redis = new Redis("redis://127.0.0.1:9", { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000 });
    redis.on("error", () => {});
    try {
      await expect(createRedisSpendStore(redis).spend("s", "i", later())).rejects.toBeInstanceOf(SpendStoreUnavailable);
    } finally {
      redis.disconnect();
    }
  });
});

describe("purging what expired", () => {
  it("deletes spent entries and keys past their time, and nothing else", async () => {
    const { purgeExpired } = await import("./purge-expired");
    const { spentOnce } = await import("@/db/schema");
    const { sql } = await import("drizzle-orm");
    const opened = await createTestDatabase();
    try {
      const store = createPostgresSpendStore(opened.db);
      const now = new Date();
      await store.spend("k", "old", new Date(now.getTime() - 1000));
      await store.spend("k", "live", new Date(now.getTime() + 60_000));
      expect(await purgeExpired(opened.db, now)).toEqual({ spent: 1, keys: 0 });
      expect((await opened.db.select({ id: spentOnce.id }).from(spentOnce).where(sql`true`)).map((row) => row.id)).toEqual(["live"]);
    } finally {
      await opened.close();
    }
  });
});
