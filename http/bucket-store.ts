// No "server-only" marker: the lookup routes also run outside Next (http/serve-web-handler.ts).
import { getDb } from "@/db/index";
import { getEnv, type Env } from "@/env";
import { createPostgresBucketStore } from "@/lib/rate-limit/postgres-bucket-store";
import { createRedisBucketStore } from "@/lib/rate-limit/redis-bucket-store";
import { sharedRedis } from "@/lib/rate-limit/redis-client";
import type { TokenBucketStore } from "@/lib/rate-limit/token-bucket";

let cached: { env: Env; store: TokenBucketStore } | undefined;

/**
 * Where lookup buckets live: Redis when REDIS_URL is set, else PostgreSQL. A connection is all a process keeps;
 * the buckets themselves are shared by every instance. A store that cannot answer is a 503 (fail closed).
 */
export function getBucketStore(): TokenBucketStore {
  const env = getEnv();
  if (cached?.env === env) return cached.store;
  let store: TokenBucketStore;
  if (env.redisUrl) {
    store = createRedisBucketStore(sharedRedis(env.redisUrl));
  } else {
    store = createPostgresBucketStore(getDb());
  }
  cached = { env, store };
  return store;
}
