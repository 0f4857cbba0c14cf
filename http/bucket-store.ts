// No "server-only" marker: the lookup routes also run outside Next (http/serve-web-handler.ts).
import { getDb } from "@/db/index";
import { getEnv, type Env } from "@/env";
import { createPostgresBucketStore } from "@/lib/rate-limit/postgres-bucket-store";
import { createRedisBucketStore } from "@/lib/rate-limit/redis-bucket-store";
import { sharedRedis } from "@/lib/rate-limit/redis-client";
import type { TokenBucketStore } from "@/lib/rate-limit/token-bucket";

import type { Database } from "@/db/client";

let cached: { env: Env; db: Database; store: TokenBucketStore } | undefined;

/**
 * Where lookup buckets live: Redis when REDIS_URL is set, else PostgreSQL. A connection is all a process keeps;
 * the buckets themselves are shared by every instance. A store that cannot answer is a 503 (fail closed).
 */
export function getBucketStore(): TokenBucketStore {
  const env = getEnv();
  const db = getDb();
  // Rebuilt when the configuration or the database is replaced (installEnv, installDatabase), never per request.
  if (cached?.env === env && cached.db === db) return cached.store;
  const store = env.redisUrl ? createRedisBucketStore(sharedRedis(env.redisUrl)) : createPostgresBucketStore(db);
  cached = { env, db, store };
  return store;
}
