import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import {
  assertTakeArguments,
  describeTake,
  RateLimitStoreUnavailable,
  type BucketPolicy,
  type TakeResult,
  type TokenBucketStore,
} from "./token-bucket";

/**
 * The same read-refill-take as the PostgreSQL store, run atomically inside Redis. Time comes from the caller
 * (milliseconds), not from Redis TIME, so that both stores compute the same numbers from the same `now`.
 * Numbers leave the script as %.17g text because Redis truncates Lua numbers in replies to integers.
 * The key expires once the bucket would be full again (plus a second), since a missing key reads as full.
 */
const TAKE_SCRIPT = `
local cost = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local refill = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
local at = now
if state[1] and state[2] then
  local stored_at = tonumber(state[2])
  local elapsed = now - stored_at
  if elapsed < 0 then elapsed = 0 end
  tokens = math.min(burst, tonumber(state[1]) + (elapsed / 1000) * refill)
  at = math.max(stored_at, now)
end
if cost > tokens then
  return {0, string.format('%.17g', tokens)}
end
tokens = tokens - cost
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
-- Capped so that a near-zero refill rate still gives PEXPIRE an integer it accepts (about 31 years).
local ttl = math.min((at - now) + math.ceil((burst - tokens) / refill * 1000) + 1000, 1e12)
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return {1, string.format('%.17g', tokens)}
`;
const TAKE_SHA = createHash("sha1").update(TAKE_SCRIPT).digest("hex");

/** Tokens given back: the same refill, plus the amount, capped at the burst. A missing key is a full bucket. */
const GIVE_SCRIPT = `
local amount = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local refill = tonumber(ARGV[3])
local now = tonumber(ARGV[4])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
if not (state[1] and state[2]) then
  return 1
end
local stored_at = tonumber(state[2])
local elapsed = now - stored_at
if elapsed < 0 then elapsed = 0 end
local tokens = math.min(burst, tonumber(state[1]) + (elapsed / 1000) * refill + amount)
local at = math.max(stored_at, now)
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', at))
local ttl = math.min((at - now) + math.ceil((burst - tokens) / refill * 1000) + 1000, 1e12)
redis.call('PEXPIRE', KEYS[1], string.format('%d', ttl))
return 1
`;
const GIVE_SHA = createHash("sha1").update(GIVE_SCRIPT).digest("hex");

/**
 * Buckets in Redis hashes under `prefix` (default "rate:").
 *
 * The client must fail fast rather than queue while Redis is down, or a lookup hangs instead of failing closed:
 * `new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 0, connectTimeout: 1_000 })`, plus
 * `commandTimeout` for a server that accepts connections but stops answering. With `lazyConnect: true` the
 * first take waits for the connection instead of failing; without it, takes sent before the connection is ready
 * fail closed. Add an "error" listener to the client: ioredis reports every failed reconnect there.
 */
export function createRedisBucketStore(redis: Redis, options: { prefix?: string } = {}): TokenBucketStore {
  const prefix = options.prefix ?? "rate:";
  let connecting: Promise<void> | undefined;

  async function connectIfLazy(): Promise<void> {
    // Without the offline queue, a command sent to a lazy client that has not connected yet fails at once;
    // the concurrent first takes all wait for the one connection attempt instead.
    // Stryker disable next-line ArrowFunction: equivalent, a settled attempt left in place is awaited at no cost and a client leaves "wait" only once.
    if (redis.status === "wait") connecting ??= redis.connect().finally(() => (connecting = undefined));
    // Stryker disable next-line ConditionalExpression: equivalent, awaiting undefined does nothing.
    if (connecting) await connecting;
  }

  async function runScript(script: string, sha: string, key: string, args: string[]): Promise<unknown> {
    try {
      return await redis.evalsha(sha, 1, key, ...args);
    } catch (error) {
      // Redis forgets scripts on restart, failover and SCRIPT FLUSH: send it in full and it is cached again.
      if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
      return await redis.eval(script, 1, key, ...args);
    }
  }

  return {
    async take(key: string, cost: number, policy: BucketPolicy, now: Date): Promise<TakeResult> {
      assertTakeArguments(cost, policy, now);
      let reply: unknown;
      try {
        await connectIfLazy();
        reply = await runScript(TAKE_SCRIPT, TAKE_SHA, prefix + key, [
          String(cost),
          String(policy.burst),
          String(policy.refillPerSecond),
          String(now.getTime()),
        ]);
      } catch (error) {
        throw new RateLimitStoreUnavailable("The rate limit store in Redis did not answer", { cause: error });
      }
      const [allowed, tokens] = Array.isArray(reply) ? reply : [];
      const parsed = typeof tokens === "string" ? Number(tokens) : Number.NaN;
      if ((allowed !== 0 && allowed !== 1) || !Number.isFinite(parsed)) {
        // An answer we cannot read is no permission: fail closed like any other store failure.
        throw new RateLimitStoreUnavailable("The rate limit store in Redis gave an unexpected answer");
      }
      return describeTake(allowed === 1, parsed, cost, policy);
    },
    async give(key: string, amount: number, policy: BucketPolicy, now: Date): Promise<void> {
      assertTakeArguments(amount, policy, now);
      if (amount === 0) return;
      try {
        await connectIfLazy();
        await runScript(GIVE_SCRIPT, GIVE_SHA, prefix + key, [String(amount), String(policy.burst), String(policy.refillPerSecond), String(now.getTime())]);
      } catch (error) {
        throw new RateLimitStoreUnavailable("The rate limit store in Redis did not answer", { cause: error });
      }
    },
  };
}
