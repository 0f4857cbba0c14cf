// No "server-only" marker: the custom server serves the private doors outside Next (http/serve-web-handler.ts).
import type { Database } from "@/db/client";
import { getDb } from "@/db/index";
import { getEnv, type Env } from "@/env";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { createPostgresSpendStore } from "@/lib/private/postgres-spend-store";
import { createRedisSpendStore } from "@/lib/private/redis-spend-store";
import type { SpendStore } from "@/lib/private/spend-store";
import { sharedRedis } from "@/lib/rate-limit/redis-client";

let cached: { env: Env; db: Database; store: SpendStore; sealing: Buffer } | undefined;

function services() {
  const env = getEnv();
  const db = getDb();
  // Rebuilt when the configuration or the database is replaced (installEnv, installDatabase), never per request.
  if (cached?.env !== env || cached.db !== db) {
    const store = env.redisUrl ? createRedisSpendStore(sharedRedis(env.redisUrl)) : createPostgresSpendStore(db);
    cached = { env, db, store, sealing: deriveAppKeys(env.authSecret).sealing };
  }
  return cached;
}

/** Where spent tokens and opened requests are remembered: Redis when REDIS_URL is set, else PostgreSQL. */
export function getSpendStore(): SpendStore {
  return services().store;
}

/** The key that seals the DP's private keys at rest, derived from AUTH_SECRET once. */
export function getSealingKey(): Buffer {
  return services().sealing;
}
