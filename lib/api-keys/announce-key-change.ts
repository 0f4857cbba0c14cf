import type { Database } from "@/db/client";
import { afterCommit } from "@/db/after-commit";
import { getEnv } from "@/env";
import { logFailure } from "@/lib/log/log-failure";
import { sharedRedis } from "@/lib/rate-limit/redis-client";
import { invalidateLocally } from "./key-authenticator";
import { KEY_CHANGES_CHANNEL } from "./key-change-feed";
import type { KeyChange } from "./key-cache";

/**
 * After `tx` commits: this process forgets the cached keys the change concerns at once, and, when Redis is
 * configured, every instance subscribed there hears of it. The database's own trigger announces it on LISTEN
 * (db/migrations/0009) whatever the write path; this covers the instance that made the change (no wait for its
 * own notification) and the deployments whose connections cannot LISTEN.
 */
export function announceKeyChange(tx: Database, change: KeyChange): void {
  afterCommit(tx, () => {
    invalidateLocally(change);
    const url = getEnv().redisUrl;
    if (!url) return;
    const redis = sharedRedis(url);
    void (async () => {
      if (redis.status === "wait") await redis.connect();
      await redis.publish(KEY_CHANGES_CHANNEL, change);
    })().catch((error: unknown) => logFailure("announcing an API key change on Redis", error));
  });
}
