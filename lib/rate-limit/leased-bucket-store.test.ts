import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient } from "@/db/client";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";
import { startTcpFaultProxy } from "@/test/support/tcp-fault-proxy";
import { createLeasedBucketStore, leaseSize, type LeasedBucketStore } from "./leased-bucket-store";
import { createPostgresBucketStore } from "./postgres-bucket-store";
import { createRedisBucketStore } from "./redis-bucket-store";
import { RateLimitStoreUnavailable, type BucketPolicy, type TokenBucketStore } from "./token-bucket";

const t0 = Date.parse("2030-01-01T00:00:00.000Z");
const at = (seconds: number) => new Date(t0 + seconds * 1000);
// A lease of min(1000 × 0.25, 2000 × 0.1) = 200 tokens.
const policy: BucketPolicy = { burst: 2_000, refillPerSecond: 1_000 };
let count = 0;
const newKey = () => `lease-${Date.now()}-${(count += 1)}`;

/** The real shared store, counting the round trips it is asked for. */
function counting(store: TokenBucketStore) {
  let calls = 0;
  return {
    calls: () => calls,
    store: {
      take: (...args: Parameters<TokenBucketStore["take"]>) => ((calls += 1), store.take(...args)),
      give: (...args: Parameters<TokenBucketStore["give"]>) => ((calls += 1), store.give(...args)),
    } satisfies TokenBucketStore,
  };
}

/** Takes of `cost` until one is refused, all at the same instant: how many tokens the instance got. */
async function spendAll(store: TokenBucketStore, key: string, now: Date, cost = 1): Promise<number> {
  let spent = 0;
  while ((await store.take(key, cost, policy, now)).allowed) spent += cost;
  return spent;
}

describe("lease sizes, from the MSP's refill and burst", () => {
  it("a quarter second of refill, at most a tenth of the burst, nothing when that is under one token", () => {
    expect(leaseSize({ burst: 2_000, refillPerSecond: 1_000 })).toBe(200);
    expect(leaseSize({ burst: 10_000, refillPerSecond: 1_000 })).toBe(250);
    expect(leaseSize({ burst: 100, refillPerSecond: 1_000 })).toBe(10);
    expect(leaseSize({ burst: 20, refillPerSecond: 0.01 })).toBe(0);
  });
});

function describeLeases(name: string, open: () => Promise<{ shared: TokenBucketStore; close: () => Promise<void> }>) {
  describe(`leased tokens over ${name}`, () => {
    let shared: TokenBucketStore;
    let close: () => Promise<void>;
    beforeAll(async () => ({ shared, close } = await open()));
    afterAll(async () => close?.());

    it("goes to the shared store once per lease, not once per request", async () => {
      const key = newKey();
      const counted = counting(shared);
      const instance = createLeasedBucketStore(counted.store);
      // Each trip takes the request's token and a lease of 200: 402 requests are two trips.
      for (let i = 0; i < 402; i += 1) expect((await instance.take(key, 1, policy, at(0))).allowed).toBe(true);
      expect(counted.calls()).toBe(2);
      expect(instance.held(key)).toBe(0);
      await instance.take(key, 1, policy, at(0));
      expect(counted.calls()).toBe(3);
      expect(instance.held(key)).toBe(200);
    });

    it("never spends more than the shared bucket had, however the instances' requests interleave at one instant", async () => {
      const key = newKey();
      const instances = [0, 1, 2].map(() => createLeasedBucketStore(shared));
      const results = await Promise.all(
        Array.from({ length: 900 }, (_, i) => instances[i % 3]!.take(key, 3, policy, at(0)).then((taken) => (taken.allowed ? 3 : 0))),
      );
      const spent = results.reduce<number>((sum, cost) => sum + cost, 0);
      expect(spent).toBeLessThanOrEqual(policy.burst);
      // And nothing is wasted: what was not spent is held by the instances, to the token.
      expect(spent + instances.reduce((sum, instance) => sum + instance.held(key), 0)).toBeLessThanOrEqual(policy.burst);
      expect(spent).toBeGreaterThanOrEqual(policy.burst - 3 * leaseSize(policy) - 3);
    });

    it("exceeds a burst by at most one lease per instance, and that bound is reached", async () => {
      const key = newKey();
      const instances = [0, 1, 2].map(() => createLeasedBucketStore(shared));
      // Each instance leases at t = 0 (one request each), and the bucket refills to full by t = 10.
      for (const instance of instances) expect((await instance.take(key, 1, policy, at(0))).allowed).toBe(true);
      let spent = 0;
      for (const instance of instances) spent += await spendAll(instance, key, at(10));
      expect(spent).toBeLessThanOrEqual(policy.burst + instances.length * leaseSize(policy));
      expect(spent).toBe(policy.burst + instances.length * leaseSize(policy));
    });

    it("gives unspent leases back on shutdown, to the token", async () => {
      const key = newKey();
      const instance = createLeasedBucketStore(shared);
      for (let i = 0; i < 50; i += 1) await instance.take(key, 1, policy, at(0));
      expect(instance.held(key)).toBe(leaseSize(policy) + 1 - 50);
      expect(await instance.returnLeases(at(0))).toEqual({ returned: leaseSize(policy) + 1 - 50, failed: 0 });
      expect(instance.held(key)).toBe(0);
      // The shared bucket has exactly burst - 50: a plain take of that much succeeds and one more token does not.
      expect((await shared.take(key, policy.burst - 50, policy, at(0))).allowed).toBe(true);
      expect((await shared.take(key, 1, policy, at(0))).allowed).toBe(false);
    });

    it("tops a lease up by what a request lacks, and reports what is left to the token", async () => {
      const key = newKey();
      const instance = createLeasedBucketStore(shared);
      expect(await instance.take(key, 1, policy, at(0))).toMatchObject({ allowed: true, remaining: policy.burst - 1 });
      // Spent from the lease: what is left is the bucket's and the lease's together.
      expect(await instance.take(key, 150, policy, at(0))).toMatchObject({ allowed: true, remaining: policy.burst - 151 });
      expect(instance.held(key)).toBe(leaseSize(policy) - 150);
      // 120 when 50 are held: the bucket pays the 70 missing and a new lease, no more.
      expect(await instance.take(key, 120, policy, at(0))).toMatchObject({ allowed: true, remaining: policy.burst - 271 });
      expect(instance.held(key)).toBe(leaseSize(policy));
      const left = policy.burst - 271 - leaseSize(policy);
      expect((await shared.take(key, left, policy, at(0))).allowed).toBe(true);
      expect((await shared.take(key, 1, policy, at(0))).allowed).toBe(false);
    });

    it("takes only what a request needs when the bucket cannot add a lease, and one round trip when it cannot pay at all", async () => {
      const key = newKey();
      const counted = counting(shared);
      const instance = createLeasedBucketStore(counted.store);
      expect((await shared.take(key, policy.burst - 100, policy, at(0))).allowed).toBe(true);
      expect(await instance.take(key, 60, policy, at(0))).toMatchObject({ allowed: true, remaining: 40 });
      expect(instance.held(key)).toBe(0);
      expect(counted.calls()).toBe(2);
      expect(await instance.take(key, 60, policy, at(0))).toMatchObject({ allowed: false, remaining: 40 });
      expect(counted.calls()).toBe(3);
      // Without a lease (a refill too slow for one token in a quarter second), a refusal is one round trip too.
      const slow: BucketPolicy = { burst: 3, refillPerSecond: 0.01 };
      const slowKey = newKey();
      for (let i = 0; i < 3; i += 1) expect((await instance.take(slowKey, 1, slow, at(0))).allowed).toBe(true);
      const before = counted.calls();
      expect((await instance.take(slowKey, 1, slow, at(0))).allowed).toBe(false);
      expect(counted.calls()).toBe(before + 1);
    });

    it("keeps what it holds when another instance empties the bucket between its two takes", async () => {
      const key = newKey();
      let drainAfterNextRefusal = false;
      const racing: TokenBucketStore = {
        take: async (...args) => {
          const taken = await shared.take(...args);
          if (drainAfterNextRefusal && !taken.allowed) {
            drainAfterNextRefusal = false;
            // Another instance spends everything left before this one asks again.
            expect((await shared.take(key, taken.remaining, policy, args[3])).allowed).toBe(true);
          }
          return taken;
        },
        give: (...args) => shared.give(...args),
      };
      const instance = createLeasedBucketStore(racing);
      await instance.take(key, 1, policy, at(0));
      await instance.take(key, 150, policy, at(0));
      expect(instance.held(key)).toBe(50);
      // Leave 100 in the bucket: a request of 120 lacks 70, which the bucket has, but not 70 and a lease.
      expect((await shared.take(key, policy.burst - 201 - 100, policy, at(0))).allowed).toBe(true);
      drainAfterNextRefusal = true;
      expect(await instance.take(key, 120, policy, at(0))).toMatchObject({ allowed: false, remaining: 50 });
      expect(instance.held(key)).toBe(50);
      expect(await instance.take(key, 50, policy, at(0))).toMatchObject({ allowed: true });
    });

    it("gives tokens back straight to the shared bucket, holds nothing for a key it never saw, and returns no empty lease", async () => {
      const key = newKey();
      const counted = counting(shared);
      const instance = createLeasedBucketStore(counted.store);
      expect(instance.held("never-seen")).toBe(0);
      expect(await spendAll(instance, key, at(0))).toBe(policy.burst);
      await instance.give(key, 30, policy, at(0));
      expect((await shared.take(key, 30, policy, at(0))).allowed).toBe(true);
      expect((await shared.take(key, 1, policy, at(0))).allowed).toBe(false);
      const calls = counted.calls();
      expect(await instance.returnLeases(at(0))).toEqual({ returned: 0, failed: 0 });
      expect(counted.calls()).toBe(calls);
    });

    it("refuses what neither the lease nor the bucket can pay, says when to come back, and keeps what it holds", async () => {
      const key = newKey();
      const instance = createLeasedBucketStore(shared);
      expect(await spendAll(instance, key, at(0), 7)).toBe(policy.burst - (policy.burst % 7));
      const refused = await instance.take(key, 7, policy, at(0));
      expect(refused).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
      expect(refused.remaining).toBe(policy.burst % 7);
      expect((await instance.take(key, policy.burst + 1, policy, at(0)))).toMatchObject({ allowed: false, retryAfterSeconds: null });
    });
  });
}

describeLeases("PostgreSQL", async () => {
  const database: TestDatabase = await createTestDatabase();
  return { shared: createPostgresBucketStore(database.db), close: () => database.close() };
});

describe.runIf(Boolean(testEnv.TEST_REDIS_URL))("with Redis", () => {
  describeLeases("Redis", async () => {
    const redis = new Redis(testEnv.TEST_REDIS_URL!, { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false });
    redis.on("error", () => {});
    return { shared: createRedisBucketStore(redis, { prefix: `lease-test:${Date.now()}:` }), close: async () => redis.disconnect() };
  });
});

/** A leased store over PostgreSQL reached through a TCP proxy the test can cut, and everything closed after. */
async function behindFaultProxy(work: (setting: { instance: LeasedBucketStore; proxy: Awaited<ReturnType<typeof startTcpFaultProxy>>; database: TestDatabase }) => Promise<void>) {
  const database = await createTestDatabase({ driver: "postgres" });
  const target = new URL(database.url!);
  const proxy = await startTcpFaultProxy({ port: Number(target.port || 5432) });
  const through = new URL(database.url!);
  through.port = String(proxy.port);
  const raw = openRawClient({ url: through.toString() }, { deadlineMs: 300, statementTimeoutMs: 1_000 });
  try {
    await work({ instance: createLeasedBucketStore(createPostgresBucketStore(wrapClient(raw))), proxy, database });
  } finally {
    await closeRawClient(raw);
    await proxy.close();
    await database.close();
  }
}

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL))("a shared store that is down at shutdown", () => {
  it("counts the unspent lease as lost, not returned, and holds nothing afterwards", async () => {
    await behindFaultProxy(async ({ instance, proxy }) => {
      const key = newKey();
      expect((await instance.take(key, 1, policy, at(0))).allowed).toBe(true);
      await proxy.cut();
      expect(await instance.returnLeases(at(0))).toEqual({ returned: 0, failed: leaseSize(policy) });
      expect(instance.held(key)).toBe(0);
    });
  });
});

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL))("a shared store that goes down while a lease is live", () => {
  it("serves the lease, then fails closed, and takes from the store again once it is back", async () => {
    await behindFaultProxy(async ({ instance, proxy, database }) => {
      const key = newKey();
      expect((await instance.take(key, 1, policy, at(0))).allowed).toBe(true);
      expect(instance.held(key)).toBe(leaseSize(policy));
      await proxy.cut();
      for (let i = 0; i < leaseSize(policy); i += 1) expect((await instance.take(key, 1, policy, at(0))).allowed).toBe(true);
      await expect(instance.take(key, 1, policy, at(0))).rejects.toBeInstanceOf(RateLimitStoreUnavailable);
      await expect(instance.take(key, 1, policy, at(0))).rejects.toBeInstanceOf(RateLimitStoreUnavailable);
      await proxy.restore();
      // The pool comes back on its own (db/availability-gate.ts); until then each take is refused, never allowed.
      let taken: Awaited<ReturnType<typeof instance.take>> | undefined;
      for (let attempt = 0; attempt < 200 && !taken; attempt += 1) {
        taken = await instance.take(key, 1, policy, at(0)).catch((error: unknown) => {
          expect(error).toBeInstanceOf(RateLimitStoreUnavailable);
          return undefined;
        });
        if (!taken) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(taken?.allowed).toBe(true);
      // What the bucket gave out in all: the first lease and the one after the outage, nothing made up between.
      expect((await createPostgresBucketStore(database.db).take(key, 1, policy, at(0))).remaining).toBe(policy.burst - 2 * (leaseSize(policy) + 1) - 1);
    });
  });
});
