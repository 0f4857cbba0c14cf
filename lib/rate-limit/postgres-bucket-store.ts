import { eq, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rateBuckets } from "@/db/schema";
import {
  assertTakeArguments,
  describeTake,
  RateLimitStoreUnavailable,
  type BucketPolicy,
  type TakeResult,
  type TokenBucketStore,
} from "./token-bucket";

/**
 * Buckets in the `rate_buckets` table. Each take is one INSERT ... ON CONFLICT DO UPDATE: the conflicting row is
 * locked and its WHERE re-checked against the newest committed version, so concurrent takes on one key queue
 * behind each other under READ COMMITTED and can never spend the same tokens twice. No transaction, advisory
 * lock or isolation level is needed. Pass the pool, not a caller's transaction: inside one, the row lock would be
 * held until that transaction ends, queueing every other request of the same MSP behind it.
 */
export function createPostgresBucketStore(db: Database): TokenBucketStore {
  // Timestamps go over as ISO text: postgres.js cannot serialise a Date in every position of a raw template.
  const at = sql`${sql.placeholder("at")}::timestamptz`;
  const burst = sql`${sql.placeholder("burst")}::float8`;
  const refill = sql`${sql.placeholder("refill")}::float8`;
  const amount = sql`${sql.placeholder("amount")}::float8`;
  // The stored tokens refilled up to `at`. An `at` before the stored time (a clock behind another instance's)
  // refills nothing, and the stored time never moves back, so skew cannot mint tokens.
  const refilled = sql`least(${burst}, ${rateBuckets.tokens}
    + greatest(0, extract(epoch from (${at} - ${rateBuckets.updatedAt})))::float8 * ${refill})`;
  // Prepared once: this runs on every lookup, and planning it each time cost more than running it.
  const takeQuery = db
    .insert(rateBuckets)
    .values({ key: sql.placeholder("key"), tokens: sql`${burst} - ${amount}`, updatedAt: sql`${at}` })
    .onConflictDoUpdate({
      target: rateBuckets.key,
      set: { tokens: sql`${refilled} - ${amount}`, updatedAt: sql`greatest(${rateBuckets.updatedAt}, ${at})` },
      // A refused take writes nothing at all, not even a refreshed timestamp.
      setWhere: sql`${refilled} >= ${amount}`,
    })
    .returning({ tokens: rateBuckets.tokens })
    // Stryker disable next-line StringLiteral: equivalent, the name only labels the prepared plan on the server.
    .prepare("rate_bucket_take");
  const giveQuery = db
    .update(rateBuckets)
    .set({ tokens: sql`least(${burst}, ${refilled} + ${amount})`, updatedAt: sql`greatest(${rateBuckets.updatedAt}, ${at})` })
    .where(eq(rateBuckets.key, sql.placeholder("key")))
    .prepare("rate_bucket_give");
  const readQuery = db
    .select({ tokens: sql<number>`${refilled}`.mapWith(Number) })
    .from(rateBuckets)
    .where(eq(rateBuckets.key, sql.placeholder("key")))
    // Stryker disable next-line StringLiteral: equivalent, as above.
    .prepare("rate_bucket_read");

  return {
    async take(key: string, cost: number, policy: BucketPolicy, now: Date): Promise<TakeResult> {
      assertTakeArguments(cost, policy, now);
      const values = { key, at: now.toISOString(), burst: policy.burst, refill: policy.refillPerSecond, amount: cost };
      try {
        // A cost above the burst can never be met: skip the write so that it cannot create a negative bucket.
        if (cost <= policy.burst) {
          const [taken] = await takeQuery.execute(values);
          if (taken) return describeTake(true, taken.tokens, cost, policy);
        }
        // Refused: read only to report. Another take may have moved the row since; the report then describes
        // that newer state, which is as true an answer for this moment.
        const [current] = await readQuery.execute(values);
        return describeTake(false, current?.tokens ?? policy.burst, cost, policy);
      } catch (error) {
        throw new RateLimitStoreUnavailable("The rate limit table could not be read or written", { cause: error });
      }
    },
    async give(key: string, amount: number, policy: BucketPolicy, now: Date): Promise<void> {
      assertTakeArguments(amount, policy, now);
      if (amount === 0) return;
      try {
        await giveQuery.execute({ key, at: now.toISOString(), burst: policy.burst, refill: policy.refillPerSecond, amount });
      } catch (error) {
        throw new RateLimitStoreUnavailable("The rate limit table could not be written", { cause: error });
      }
    },
  };
}
