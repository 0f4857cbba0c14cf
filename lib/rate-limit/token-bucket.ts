import { DomainError } from "@/lib/errors/domain-error";

/**
 * Token buckets for per-MSP lookup limits (security-rules "Lookups"; protocol section 4): a bucket holds at most
 * `burst` tokens and refills continuously at `refillPerSecond`; a lookup of n identifiers takes n tokens, and a
 * new bucket starts full. Each store does refill-and-take atomically where the state lives (one SQL statement,
 * one Lua script), with the same float arithmetic; the checks and the reporting they share are here, so the
 * PostgreSQL and Redis stores answer identically.
 *
 * Ours, not a library's: the libraries we looked at (rate-limiter-flexible and its kind) count fixed or sliding
 * windows of requests per key, keep their state in one store each, and charge 1 per call; these buckets charge n
 * per batch, must give the same answer from PostgreSQL and Redis, fail closed with a typed error, and are the state
 * that issue 10's leased tokens build on.
 */

export type BucketPolicy = { burst: number; refillPerSecond: number };

export type TakeResult =
  | { allowed: true; remaining: number; resetSeconds: number }
  /** `retryAfterSeconds` is null when the cost exceeds the burst: waiting can never make it succeed. */
  | { allowed: false; remaining: number; resetSeconds: number; retryAfterSeconds: number | null };

export interface TokenBucketStore {
  /**
   * Takes `cost` tokens from the bucket `key` at the time `now`, or nothing at all if there are not enough.
   * Throws RateLimitStoreUnavailable when the store cannot answer: callers must then refuse (503), not allow.
   */
  take(key: string, cost: number, policy: BucketPolicy, now: Date): Promise<TakeResult>;
  /**
   * Puts `amount` tokens back (a lease's unspent rest, leased-bucket-store.ts), never above the burst; a missing
   * bucket is full already and stays so. Throws RateLimitStoreUnavailable like take.
   */
  give(key: string, amount: number, policy: BucketPolicy, now: Date): Promise<void>;
}

export class RateLimitStoreUnavailable extends DomainError<"store_unavailable"> {
  constructor(message = "The rate limit store is unavailable", options?: { cause?: unknown }) {
    super("store_unavailable", "unavailable", message, options);
  }
}

/**
 * A bad policy or cost is a programming or configuration error, not a store failure: it is thrown as a RangeError
 * so that it surfaces as a bug instead of passing for a 503, and before anything is written.
 */
export function assertTakeArguments(cost: number, policy: BucketPolicy, now: Date): void {
  if (!Number.isFinite(policy.burst) || policy.burst < 1) throw new RangeError("burst must be a finite number ≥ 1");
  if (!Number.isFinite(policy.refillPerSecond) || policy.refillPerSecond <= 0) {
    throw new RangeError("refillPerSecond must be a finite number > 0");
  }
  if (!Number.isFinite(cost) || cost < 0) throw new RangeError("cost must be a finite number ≥ 0");
  if (!Number.isFinite(now.getTime())) throw new RangeError("now must be a valid date");
}

/**
 * The answer for a take, from the bucket's tokens at `now` after the take (allowed) or untouched (refused).
 * `remaining` is floored so that "remaining ≥ n" always means a take of n would succeed now.
 */
export function describeTake(allowed: boolean, tokens: number, cost: number, policy: BucketPolicy): TakeResult {
  const remaining = Math.max(0, Math.floor(tokens));
  const resetSeconds = Math.max(0, Math.ceil((policy.burst - tokens) / policy.refillPerSecond));
  if (allowed) return { allowed: true, remaining, resetSeconds };
  const retryAfterSeconds =
    cost > policy.burst ? null : Math.max(1, Math.ceil((cost - tokens) / policy.refillPerSecond));
  return { allowed: false, remaining, resetSeconds, retryAfterSeconds };
}
