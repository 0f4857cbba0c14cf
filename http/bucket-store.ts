// No "server-only" marker: the lookup routes also run outside Next (http/serve-web-handler.ts).
import { getDb } from "@/db/index";
import { getEnv, type Env } from "@/env";
import { createLeasedBucketStore, type LeasedBucketStore } from "@/lib/rate-limit/leased-bucket-store";
import { createPostgresBucketStore } from "@/lib/rate-limit/postgres-bucket-store";
import { createRedisBucketStore } from "@/lib/rate-limit/redis-bucket-store";
import { sharedRedis } from "@/lib/rate-limit/redis-client";

import type { Database } from "@/db/client";

// On globalThis: the custom server and Next's bundle load this module separately, and the leases this instance
// holds must be one set, given back once at shutdown.
const holderKey = Symbol.for("mimi.bucketStore");
const holder = globalThis as { [holderKey]?: { env: Env; db: Database; store: LeasedBucketStore } };

/**
 * Where lookup buckets live: Redis when REDIS_URL is set, else PostgreSQL, spent through this instance's leases
 * (lib/rate-limit/leased-bucket-store.ts). The buckets themselves are shared by every instance; what a process
 * keeps is at most one lease per MSP, given back at shutdown. A store that cannot answer is a 503 (fail closed)
 * once the lease is spent.
 */
export function getBucketStore(): LeasedBucketStore {
  const env = getEnv();
  const db = getDb();
  const cached = holder[holderKey];
  // Rebuilt when the configuration or the database is replaced (installEnv, installDatabase), never per request.
  if (cached?.env === env && cached.db === db) return cached.store;
  const shared = env.redisUrl ? createRedisBucketStore(sharedRedis(env.redisUrl)) : createPostgresBucketStore(db);
  const store = createLeasedBucketStore(shared);
  holder[holderKey] = { env, db, store };
  return store;
}

/** At shutdown, once the requests are drained: the tokens this instance leased and did not spend go back. */
export async function returnLeasedTokens(now: Date): Promise<{ returned: number; failed: number }> {
  return (await holder[holderKey]?.store.returnLeases(now)) ?? { returned: 0, failed: 0 };
}
