import { afterEach, describe, expect, it } from "vitest";
import { closeSharedRedis, sharedRedis } from "./redis-client";

// Nothing listens on port 9 (discard) on loopback: every command must fail, and at once.
const DOWN = "redis://127.0.0.1:9";

afterEach(() => {
  closeSharedRedis();
});

describe("the shared Redis connection", () => {
  it("is one client per URL, kept on globalThis so that the custom server and Next's bundle share it", () => {
    const first = sharedRedis(DOWN);
    expect(sharedRedis(DOWN)).toBe(first);
    expect(sharedRedis("redis://127.0.0.1:10")).not.toBe(first);
    const held = (globalThis as Record<symbol, Map<string, unknown> | undefined>)[Symbol.for("mimi.redis")];
    expect(held?.get(DOWN)).toBe(first);
  });

  it("connects only when first used, and reports failures to a listener instead of crashing the process", () => {
    const client = sharedRedis(DOWN);
    expect(client.status).toBe("wait");
    expect(client.listenerCount("error")).toBeGreaterThan(0);
  });

  it("never queues or retries a command while disconnected, so that a down Redis is an error at once", async () => {
    const client = sharedRedis(DOWN);
    await expect(client.ping()).rejects.toThrow(/enableOfflineQueue/u);
    expect(client.options.maxRetriesPerRequest).toBe(0);
  });

  it("reconnects with a back-off that grows by 200 ms a try up to 2 s", () => {
    const retry = sharedRedis(DOWN).options.retryStrategy!;
    expect([1, 2, 5, 10, 50].map((times) => retry(times))).toEqual([200, 400, 1_000, 2_000, 2_000]);
  });

  it("closes every connection at shutdown, and the next use opens a new one", () => {
    const first = sharedRedis(DOWN);
    closeSharedRedis();
    expect(first.status).toBe("end");
    expect(sharedRedis(DOWN)).not.toBe(first);
  });

  it("closes nothing, quietly, in a process that never opened one (a server without REDIS_URL stopping)", () => {
    const holder = globalThis as Record<symbol, unknown>;
    const kept = holder[Symbol.for("mimi.redis")];
    delete holder[Symbol.for("mimi.redis")];
    try {
      expect(() => closeSharedRedis()).not.toThrow();
    } finally {
      holder[Symbol.for("mimi.redis")] = kept;
    }
  });
});
