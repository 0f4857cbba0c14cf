import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testEnv } from "@/test/support/test-env";
import { createRedisBucketStore } from "./redis-bucket-store";
import { RateLimitStoreUnavailable, type BucketPolicy } from "./token-bucket";

// The token-bucket contract is tested in token-bucket.test.ts for every store; these are the Redis store's own
// rules: where its keys live, what it does with a reply it cannot read, and that a take is never sent twice.
const redisUrl = testEnv.TEST_REDIS_URL ?? "";
const policy: BucketPolicy = { burst: 10, refillPerSecond: 1 };
const now = new Date("2030-01-01T00:00:00.000Z");

describe.runIf(Boolean(redisUrl))("the Redis bucket store", () => {
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on("error", () => {});
    await redis.connect();
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** The real client, with its script call replaced: what a broken server, or a lost reply, would look like. */
  function withEvalsha(replace: (real: Redis["evalsha"]) => (...args: unknown[]) => Promise<unknown>): Redis {
    const real = redis.evalsha.bind(redis) as Redis["evalsha"];
    return new Proxy(redis, {
      get: (target, property, receiver) => (property === "evalsha" ? replace(real) : Reflect.get(target, property, receiver)),
    });
  }

  it("keeps its keys under rate: unless told otherwise, so that they never meet another user's keys", async () => {
    const key = `test-${randomUUID()}`;
    try {
      await createRedisBucketStore(redis).take(key, 1, policy, now);
      expect(await redis.exists(`rate:${key}`)).toBe(1);
      expect(await redis.exists(key)).toBe(0);
    } finally {
      await redis.del(`rate:${key}`);
    }
  });

  it("never sends a take again when its reply is lost: the take may have run, and would then count twice", async () => {
    const prefix = `test:rate:${randomUUID()}:`;
    // The script runs on the server, then the reply is lost (a command timeout, a dropped connection).
    const lossy = withEvalsha((real) => async (...args) => {
      await (real as (...a: unknown[]) => Promise<unknown>)(...args);
      throw new Error("Command timed out");
    });
    try {
      const error = await createRedisBucketStore(lossy, { prefix }).take("k", 4, policy, now).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(RateLimitStoreUnavailable);
      // Charged once (10 - 4), not twice (10 - 8): the store failed closed instead of retrying with EVAL.
      expect(await createRedisBucketStore(redis, { prefix }).take("k", 1, policy, now)).toMatchObject({ allowed: true, remaining: 5 });
    } finally {
      await redis.del(`${prefix}k`);
    }
  });

  it.each([
    ["a verdict other than 0 or 1", [2, "3"]],
    ["tokens as a number, which Redis truncates", [1, 3]],
    ["tokens that are not a number", [1, "many"]],
    ["no array at all", "OK"],
    ["nothing", null],
  ])("fails closed on a reply it cannot read: %s", async (_name, reply) => {
    const odd = withEvalsha(() => async () => reply);
    const error = await createRedisBucketStore(odd, { prefix: `test:rate:${randomUUID()}:` })
      .take("k", 1, policy, now)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateLimitStoreUnavailable);
    expect((error as Error).message).toBe("The rate limit store in Redis gave an unexpected answer");
  });
});
