import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { SpendStoreUnavailable, type SpendStore } from "./spend-store";

/**
 * Spent ids in Redis: SET NX with the entry's absolute expiry, and a per-scope counter that expires with the last
 * entry it counted, in one script so the two cannot disagree. The same fail-fast client as the lookup buckets
 * (lib/rate-limit/redis-client.ts): while Redis is down every spend fails closed.
 */
const SPEND_SCRIPT = `
local expires = tonumber(ARGV[1])
if redis.call('SET', KEYS[1], '1', 'NX', 'PXAT', expires) then
  redis.call('INCR', KEYS[2])
  local ttl = redis.call('PEXPIRETIME', KEYS[2])
  if ttl < expires then redis.call('PEXPIREAT', KEYS[2], expires) end
  return 1
end
return 0
`;
const SPEND_SHA = createHash("sha1").update(SPEND_SCRIPT).digest("hex");

export function createRedisSpendStore(redis: Redis, options: { prefix?: string } = {}): SpendStore {
  const prefix = options.prefix ?? "spent:";
  let connecting: Promise<void> | undefined;

  async function run<T>(work: () => Promise<T>, what: string): Promise<T> {
    try {
      if (redis.status === "wait") connecting ??= redis.connect().finally(() => (connecting = undefined));
      if (connecting) await connecting;
      return await work();
    } catch (error) {
      throw new SpendStoreUnavailable(`The single-use store in Redis did not answer (${what})`, { cause: error });
    }
  }

  return {
    async spend(scope, id, expiresAt) {
      const keys = [`${prefix}${scope}:${id}`, `${prefix}${scope}#count`];
      const args = [String(expiresAt.getTime())];
      const reply = await run(async () => {
        try {
          return await redis.evalsha(SPEND_SHA, 2, ...keys, ...args);
        } catch (error) {
          if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
          return await redis.eval(SPEND_SCRIPT, 2, ...keys, ...args);
        }
      }, "spend");
      if (reply !== 0 && reply !== 1) throw new SpendStoreUnavailable("The single-use store in Redis gave an unexpected answer");
      return reply === 1;
    },
    async count(scope) {
      const value = await run(() => redis.get(`${prefix}${scope}#count`), "count");
      return value === null ? 0 : Number(value);
    },
  };
}
