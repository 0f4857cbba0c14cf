import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import type { Env } from "@/env";
import { sharedRedis } from "@/lib/rate-limit/redis-client";
import type { Dependency } from "./health";

/**
 * What a lookup needs: the database (identifiers, keys, mappings; and the rate-limit buckets unless Redis holds
 * them) and, when REDIS_URL is set, Redis, where the limiter fails closed. Asked through the same clients the
 * requests use, so "down" here is what a request would meet.
 */
export function lookupDependencies(env: Env, db: () => Database): Dependency[] {
  const dependencies: Dependency[] = [{ name: "database", check: () => db().execute(sql`select 1`) }];
  if (env.redisUrl) {
    const url = env.redisUrl;
    dependencies.push({
      name: "limiter",
      check: async () => {
        const redis = sharedRedis(url);
        // The first check may race the limiter's own first connection: whichever starts it, the ping tells.
        if (redis.status === "wait") await redis.connect().catch(() => {});
        await redis.ping();
      },
    });
  }
  return dependencies;
}
