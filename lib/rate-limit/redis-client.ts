import { Redis } from "ioredis";

const holderKey = Symbol.for("mimi.redis");
type Holder = { [holderKey]?: Redis };

/**
 * One Redis connection per process (on globalThis: the custom server and Next's bundle share it). Commands are
 * never queued while disconnected and never retried, so a down Redis is an error at once and the caller fails
 * closed. Lazy: the bucket store waits for the first connection, so requests do not race the handshake.
 */
export function sharedRedis(url: string): Redis {
  const holder = globalThis as Holder;
  if (!holder[holderKey]) {
    const client = new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      commandTimeout: 2_000,
      retryStrategy: (times) => Math.min(times * 200, 2_000),
    });
    // Failures reach each request as a 503; the event itself carries nothing to act on.
    client.on("error", () => {});
    holder[holderKey] = client;
  }
  return holder[holderKey];
}
