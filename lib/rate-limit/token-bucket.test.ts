import { randomUUID } from "node:crypto";
import { Redis, type RedisOptions } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient } from "@/db/client";
import { createTestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";
import { createPostgresBucketStore } from "./postgres-bucket-store";
import { createRedisBucketStore } from "./redis-bucket-store";
import { describeTake, RateLimitStoreUnavailable, type BucketPolicy, type TokenBucketStore } from "./token-bucket";

// Redis is a service of every machine and of CI, like PostgreSQL: when it is missing the Redis half fails, it is
// never skipped, or a broken Redis store would pass unnoticed.
// Redis is optional for a newcomer's `npm test` (the embedded defaults must carry it); CI sets TEST_REDIS_URL, and
// then the Redis half must pass, never skip: a Redis that cannot be reached fails it.
const redisUrl = testEnv.TEST_REDIS_URL ?? "";
const failFast: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, connectTimeout: 1_000 };

const t0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
const tenAtTwo: BucketPolicy = { burst: 10, refillPerSecond: 2 };

type Opened = { store: TokenBucketStore; redis?: Redis; prefix?: string; close: () => Promise<void> };

function openRedis(url: string, options: RedisOptions = failFast): Redis {
  const redis = new Redis(url, options);
  // Failed reconnects are reported as events; the takes themselves are what these tests look at.
  redis.on("error", () => {});
  return redis;
}

async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== "0");
}

function describeContract(name: string, open: () => Promise<Opened>) {
  describe(`token buckets in ${name}`, () => {
    let opened: Opened;
    let store: TokenBucketStore;
    let count = 0;
    const newKey = () => `msp-${(count += 1)}`;

    let openError: unknown;

    // Each test fails on its own when the store cannot be opened: a failed beforeAll would only mark them skipped.
    beforeAll(async () => {
      try {
        opened = await open();
        store = opened.store;
      } catch (error) {
        openError = error;
      }
    });
    beforeEach(() => {
      if (openError) throw openError;
    });
    afterAll(async () => {
      await opened?.close();
    });

    it("starts full, and a take of k leaves burst - k", async () => {
      const key = newKey();
      expect(await store.take(key, 0, tenAtTwo, at(0))).toEqual({ allowed: true, remaining: 10, resetSeconds: 0 });
      expect(await store.take(key, 3, tenAtTwo, at(0))).toEqual({ allowed: true, remaining: 7, resetSeconds: 2 });
      expect(await store.take(key, 4, tenAtTwo, at(0))).toEqual({ allowed: true, remaining: 3, resetSeconds: 4 });
    });

    it("consumes nothing on a refused take and says exactly when to come back", async () => {
      const policy = { burst: 10, refillPerSecond: 0.5 };
      const key = newKey();
      await store.take(key, 9, policy, at(0));
      expect(await store.take(key, 4, policy, at(0))).toEqual({
        allowed: false,
        remaining: 1,
        resetSeconds: 18,
        retryAfterSeconds: 6,
      });
      expect(await store.take(key, 4, policy, at(5.999))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
      expect(await store.take(key, 4, policy, at(6))).toEqual({ allowed: true, remaining: 0, resetSeconds: 20 });

      const other = newKey();
      await store.take(other, 9, policy, at(0));
      expect(await store.take(other, 2, policy, at(0))).toMatchObject({ allowed: false, remaining: 1 });
      expect(await store.take(other, 1, policy, at(0))).toEqual({ allowed: true, remaining: 0, resetSeconds: 20 });
    });

    it("refills continuously as time passes", async () => {
      const key = newKey();
      expect(await store.take(key, 10, tenAtTwo, at(0))).toEqual({ allowed: true, remaining: 0, resetSeconds: 5 });
      expect(await store.take(key, 3, tenAtTwo, at(0.25))).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 2 });
      expect(await store.take(key, 3, tenAtTwo, at(1.5))).toEqual({ allowed: true, remaining: 0, resetSeconds: 5 });
      expect(await store.take(key, 0, tenAtTwo, at(2.75))).toEqual({ allowed: true, remaining: 2, resetSeconds: 4 });
    });

    it("never holds more than the burst, however long it sits", async () => {
      const key = newKey();
      await store.take(key, 10, tenAtTwo, at(0));
      expect(await store.take(key, 0, tenAtTwo, at(3600))).toEqual({ allowed: true, remaining: 10, resetSeconds: 0 });
      expect(await store.take(key, 10, tenAtTwo, at(3600))).toMatchObject({ allowed: true, remaining: 0 });
      expect(await store.take(key, 1, tenAtTwo, at(3600))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    });

    it("refuses a cost above the burst for good, with no retry time, and consumes nothing", async () => {
      const key = newKey();
      expect(await store.take(key, 11, tenAtTwo, at(0))).toEqual({
        allowed: false,
        remaining: 10,
        resetSeconds: 0,
        retryAfterSeconds: null,
      });
      await store.take(key, 3, tenAtTwo, at(0));
      expect(await store.take(key, 11, tenAtTwo, at(0))).toEqual({
        allowed: false,
        remaining: 7,
        resetSeconds: 2,
        retryAfterSeconds: null,
      });
      expect(await store.take(key, 7, tenAtTwo, at(0))).toMatchObject({ allowed: true, remaining: 0 });
      // A cost of exactly the burst can still be met by waiting.
      expect(await store.take(key, 10, tenAtTwo, at(0))).toMatchObject({ allowed: false, retryAfterSeconds: 5 });
    });

    it("accepts the smallest policy, a burst of one", async () => {
      const key = newKey();
      expect(await store.take(key, 1, { burst: 1, refillPerSecond: 1 }, at(0))).toEqual({ allowed: true, remaining: 0, resetSeconds: 1 });
      expect(await store.take(key, 1, { burst: 1, refillPerSecond: 1 }, at(0))).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
    });

    it("takes given-back tokens again, never above the burst, and a missing bucket stays full", async () => {
      const key = newKey();
      await store.give(key, 5, tenAtTwo, at(0));
      expect(await store.take(key, 10, tenAtTwo, at(0))).toMatchObject({ allowed: true, remaining: 0 });
      await store.give(key, 4, tenAtTwo, at(0));
      expect(await store.take(key, 4, tenAtTwo, at(0))).toMatchObject({ allowed: true, remaining: 0 });
      // Refill and the given tokens together still stop at the burst.
      await store.give(key, 9, tenAtTwo, at(1));
      expect(await store.take(key, 10, tenAtTwo, at(1))).toMatchObject({ allowed: true, remaining: 0 });
      expect((await store.take(key, 1, tenAtTwo, at(1))).allowed).toBe(false);
    });

    it("keeps keys independent", async () => {
      const [first, second] = [newKey(), newKey()];
      await store.take(first, 10, tenAtTwo, at(0));
      expect(await store.take(second, 1, tenAtTwo, at(0))).toMatchObject({ allowed: true, remaining: 9 });
      expect(await store.take(first, 1, tenAtTwo, at(0))).toMatchObject({ allowed: false, remaining: 0 });
    });

    it("mints nothing when the clock goes backwards", async () => {
      const policy = { burst: 10, refillPerSecond: 1 };
      const key = newKey();
      await store.take(key, 10, policy, at(0));
      expect(await store.take(key, 1, policy, at(-60))).toMatchObject({ allowed: false, remaining: 0 });
      expect(await store.take(key, 0, policy, at(-60))).toMatchObject({ allowed: true, remaining: 0 });
      // Had the store moved its time back to -60, this take would be paid for with a minute it already counted.
      expect(await store.take(key, 1, policy, at(0))).toMatchObject({ allowed: false, remaining: 0 });
      expect(await store.take(key, 1, policy, at(1))).toEqual({ allowed: true, remaining: 0, resetSeconds: 10 });
    });

    it("grants exactly the burst to 200 concurrent takes", async () => {
      const policy = { burst: 50, refillPerSecond: 0.001 };
      const key = newKey();
      const results = await Promise.all(Array.from({ length: 200 }, () => store.take(key, 1, policy, at(0))));
      const granted = results.filter((result) => result.allowed);
      expect(granted).toHaveLength(50);
      // Each grant saw a different bucket: the takes were serialised, not merely counted.
      expect(granted.map((result) => result.remaining).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
      expect(await store.take(key, 1, policy, at(0))).toMatchObject({ allowed: false, remaining: 0 });
    });

    it("rejects a bad cost or policy as a bug, not an outage, and touches nothing", async () => {
      const key = newKey();
      await expect(store.take(key, -1, tenAtTwo, at(0))).rejects.toBeInstanceOf(RangeError);
      await expect(store.take(key, Number.NaN, tenAtTwo, at(0))).rejects.toBeInstanceOf(RangeError);
      await expect(store.take(key, 1, { burst: 0, refillPerSecond: 1 }, at(0))).rejects.toBeInstanceOf(RangeError);
      await expect(store.take(key, 1, { burst: 10, refillPerSecond: 0 }, at(0))).rejects.toBeInstanceOf(RangeError);
      await expect(store.take(key, 1, tenAtTwo, new Date(Number.NaN))).rejects.toBeInstanceOf(RangeError);
      expect(await store.take(key, 0, tenAtTwo, at(0))).toMatchObject({ remaining: 10 });
    });

    if (name === "Redis") {
      it("lets an idle key expire once it would be full again", async () => {
        const { redis, prefix } = opened;
        const key = newKey();
        await store.take(key, 4, tenAtTwo, at(0));
        const ttl = await redis!.pttl(`${prefix}${key}`);
        // Two seconds to refill 4 tokens at 2 a second, plus the store's one second of slack.
        expect(ttl).toBeGreaterThan(2_000);
        expect(ttl).toBeLessThanOrEqual(3_000);
      });

      it("waits for a lazy client's first connection instead of failing the first takes", async () => {
        const lazy = openRedis(redisUrl);
        try {
          const store = createRedisBucketStore(lazy, { prefix: opened.prefix });
          const key = newKey();
          const results = await Promise.all([1, 2, 3].map(() => store.take(key, 1, tenAtTwo, at(0))));
          expect(results.map((result) => result.remaining).sort()).toEqual([7, 8, 9]);
        } finally {
          lazy.disconnect();
        }
      });

      it("keeps working after Redis forgets its scripts", async () => {
        const key = newKey();
        await opened.redis!.script("FLUSH");
        expect(await store.take(key, 1, tenAtTwo, at(0))).toMatchObject({ allowed: true, remaining: 9 });
      });
    }
  });
}

const sqlName = testEnv.TEST_DATABASE_URL ? "PostgreSQL" : "PGlite";
describeContract(sqlName, async () => {
  const testDb = await createTestDatabase();
  return { store: createPostgresBucketStore(testDb.db), close: testDb.close };
});

(redisUrl ? describeContract : (name: string) => describe.skip(`token buckets in ${name} (set TEST_REDIS_URL to run them; CI does)`, () => {}))("Redis", async () => {
  const redis = openRedis(redisUrl);
  await redis.connect().catch((error: unknown) => {
    redis.disconnect();
    throw new Error(`No Redis at ${redisUrl}: start it (docs/environment.md) or set TEST_REDIS_URL`, { cause: error });
  });
  const prefix = `test:rate:${randomUUID()}:`;
  return {
    store: createRedisBucketStore(redis, { prefix }),
    redis,
    prefix,
    close: async () => {
      await deleteKeys(redis, prefix);
      await redis.quit();
    },
  };
});

describe("describeTake", () => {
  it("never asks a refused caller to come back in less than a second", () => {
    // Reachable when a concurrent take refilled the row between the refused upsert and the read that reports it.
    expect(describeTake(false, 3, 3, tenAtTwo)).toEqual({ allowed: false, remaining: 3, resetSeconds: 4, retryAfterSeconds: 1 });
  });
});

describe("a store that is down fails closed", () => {
  const inSql = "The rate limit table could not be read or written";
  const inRedis = "The rate limit store in Redis did not answer";
  // The message names the store: it is what an operator reads in the log line of the 503.
  const expectUnavailable = async (store: TokenBucketStore, message: string) => {
    const started = Date.now();
    const error = await store.take("msp-down", 1, tenAtTwo, at(0)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitStoreUnavailable);
    expect((error as Error).message).toBe(message);
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(Date.now() - started).toBeLessThan(2_500);
  };

  it("in PostgreSQL, when the server does not answer", async () => {
    const raw = openRawClient({ url: "postgres://postgres@127.0.0.1:9/none" });
    try {
      await expectUnavailable(createPostgresBucketStore(wrapClient(raw)), inSql);
    } finally {
      await closeRawClient(raw);
    }
  });

  it("in PGlite, when the instance is closed", async () => {
    const raw = openRawClient({ memory: true });
    await closeRawClient(raw);
    await expectUnavailable(createPostgresBucketStore(wrapClient(raw)), inSql);
  });

  it("in Redis, when the server does not answer, with a lazy or an eager client", async () => {
    const lazy = openRedis("redis://127.0.0.1:9");
    const eager = openRedis("redis://127.0.0.1:9", { ...failFast, lazyConnect: false });
    try {
      await expectUnavailable(createRedisBucketStore(lazy), inRedis);
      await expectUnavailable(createRedisBucketStore(lazy), inRedis);
      await expectUnavailable(createRedisBucketStore(eager), inRedis);
    } finally {
      lazy.disconnect();
      eager.disconnect();
    }
  });

  it.runIf(Boolean(redisUrl))("in Redis, when the client has been closed", async () => {
    const redis = openRedis(redisUrl);
    await redis.connect();
    await redis.quit();
    await expectUnavailable(createRedisBucketStore(redis), inRedis);
  });
});
