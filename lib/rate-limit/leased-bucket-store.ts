import { assertTakeArguments, describeTake, type BucketPolicy, type TakeResult, type TokenBucketStore } from "./token-bucket";

/** A lease is at most this many seconds of the MSP's refill... */
export const LEASE_REFILL_SECONDS = 0.25;
/** ...and at most this share of its burst, so that a lease never holds much of what others could spend. */
export const LEASE_BURST_SHARE = 0.1;

/**
 * The tokens an instance takes beyond what a request needs when it goes to the shared store. Zero for an MSP whose
 * refill is too slow for a quarter second of it to make a whole token: then every take goes to the store, exactly.
 */
export function leaseSize(policy: BucketPolicy): number {
  return Math.max(0, Math.floor(Math.min(policy.refillPerSecond * LEASE_REFILL_SECONDS, policy.burst * LEASE_BURST_SHARE)));
}

type Lease = { tokens: number; shared: number; policy: BucketPolicy; refreshing?: Promise<unknown> };

export type LeasedBucketStore = TokenBucketStore & {
  /** Gives every unspent lease back to the shared store (at shutdown, after the drain): what failed is lost, not doubled. */
  returnLeases: (now: Date) => Promise<{ returned: number; failed: number }>;
  /** Tokens this instance holds for `key` now. */
  held: (key: string) => number;
};

/**
 * Rate limits that cost almost nothing per request and still hold across instances. An instance that needs tokens
 * takes them from the shared store (PostgreSQL or Redis, one atomic take) with a lease on top, `leaseSize(policy)`,
 * and spends the lease from memory: one store round trip per lease instead of one per request.
 *
 * The bound. Every token spent was taken from the shared bucket first, so over any stretch of time an MSP spends at
 * most what the bucket allows in that stretch plus what was leased before it began and is spent during it: at most
 * one lease per instance. A burst can therefore exceed `burst` by at most `instances × leaseSize(policy)`, which is at
 * most a tenth of the burst per instance (tested in leased-bucket-store.test.ts). Unspent leases are given back on
 * shutdown. A store that is down fails closed as soon as the lease is spent: no token is ever made up locally.
 *
 * Only the per-MSP lookup buckets are leased: the per-identifier and per-IP limits of sign-in are counted in the
 * database, each attempt on its own, as before.
 */
export function createLeasedBucketStore(shared: TokenBucketStore): LeasedBucketStore {
  const leases = new Map<string, Lease>();

  async function refresh(key: string, lease: Lease, cost: number, policy: BucketPolicy, now: Date): Promise<TakeResult> {
    const held = lease.tokens;
    const need = cost - held;
    const batch = leaseSize(policy);
    let taken = await shared.take(key, need + batch, policy, now);
    if (taken.allowed) {
      lease.tokens = held + need + batch - cost;
    } else if (batch > 0 && taken.remaining >= need) {
      // Not enough for a lease on top, enough for this request: take only that. (Without a lease the first take
      // asked for `need` alone, so its refusal already means less than that: `batch > 0` states it, and its two
      // surviving mutants, `true` and `batch >= 0`, are equivalent.)
      taken = await shared.take(key, need, policy, now);
      if (taken.allowed) lease.tokens = 0;
    }
    lease.policy = policy;
    lease.shared = taken.remaining;
    if (taken.allowed) return { allowed: true, remaining: taken.remaining + Math.floor(lease.tokens), resetSeconds: taken.resetSeconds };
    // Refused: what this instance still holds is part of what the caller has, and is kept for smaller requests.
    return describeTake(false, taken.remaining + held, cost, policy);
  }

  return {
    async take(key, cost, policy, now) {
      assertTakeArguments(cost, policy, now);
      for (;;) {
        let lease = leases.get(key);
        if (lease && lease.tokens >= cost) {
          lease.tokens -= cost;
          lease.policy = policy;
          return describeTake(true, lease.shared + lease.tokens, cost, policy);
        }
        // One refresh per key at a time: the requests behind it spend what it brings before asking again.
        if (lease?.refreshing) {
          await lease.refreshing.catch(() => {});
          continue;
        }
        if (!lease) leases.set(key, (lease = { tokens: 0, shared: policy.burst, policy }));
        const refreshing = refresh(key, lease, cost, policy, now);
        lease.refreshing = refreshing;
        try {
          return await refreshing;
        } finally {
          lease.refreshing = undefined;
        }
      }
    },
    give: (key, amount, policy, now) => shared.give(key, amount, policy, now),
    held: (key) => leases.get(key)?.tokens ?? 0,
    async returnLeases(now) {
      let returned = 0;
      let failed = 0;
      for (const [key, lease] of leases) {
        await lease.refreshing?.catch(() => {});
        const tokens = lease.tokens;
        if (tokens <= 0) continue;
        // Zeroed first: a token is either given back or lost, never both given back and spent.
        lease.tokens = 0;
        try {
          await shared.give(key, tokens, lease.policy, now);
          returned += tokens;
        } catch {
          failed += tokens;
        }
      }
      return { returned, failed };
    },
  };
}
