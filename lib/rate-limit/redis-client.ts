import { Redis } from "ioredis";

// On globalThis: the custom server and Next's bundle share the connections. One per URL.
const holderKey = Symbol.for("mimi.redis");
const holder = globalThis as { [holderKey]?: Map<string, Redis> };

/**
 * One Redis connection per process (on globalThis: the custom server and Next's bundle share it). Commands are
 * never queued while disconnected and never retried, so a down Redis is an error at once and the caller fails
 * closed. Lazy: the bucket store waits for the first connection, so requests do not race the handshake.
 */
export function sharedRedis(url: string): Redis {
  const clients = (holder[holderKey] ??= new Map());
  let client = clients.get(url);
  if (!client) {
    client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Failures reach each request as a 503; the event itself carries nothing to act on.
    client.on("error", () => {});
    clients.set(url, client);
  }
  return client;
}

/** Closes every shared connection (at shutdown, and between tests), so the next sharedRedis() connects afresh. */
export function closeSharedRedis(): void {
  for (const client of holder[holderKey]?.values() ?? []) client.disconnect();
  holder[holderKey]?.clear();
}
