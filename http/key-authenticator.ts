// No "server-only" marker: the lookup routes also run outside Next (http/serve-web-handler.ts).
import type { RawClient } from "@/db/client";
import { getDb, getRawClient } from "@/db/index";
import { getEnv, type Env } from "@/env";
import { createKeyAuthenticator, type KeyAuthenticator } from "@/lib/api-keys/key-authenticator";
import { listenOnPglite, listenOnPostgres, subscribeOnRedis } from "@/lib/api-keys/key-change-feed";
import { findApiKeyByHash } from "@/lib/api-keys/manage-api-keys";

// On globalThis: the custom server and Next's bundle load this module separately, and one set of listening
// connections per process is enough.
const holderKey = Symbol.for("mimi.keyAuthenticator");
const holder = globalThis as { [holderKey]?: { env: Env; raw: RawClient; authenticator: KeyAuthenticator } };

/**
 * The process's key authenticator: verified keys cached in memory, forgotten when the database announces a change
 * (LISTEN on the configured database, or the embedded one's own notifications) and, with REDIS_URL, when Redis does.
 */
export function getKeyAuthenticator(): KeyAuthenticator {
  const env = getEnv();
  const raw = getRawClient();
  const current = holder[holderKey];
  // Rebuilt when the configuration or the database is replaced (installEnv, installDatabase), never per request.
  if (current?.env === env && current.raw === raw) return current.authenticator;
  if (current) void current.authenticator.close();
  const db = getDb();
  const authenticator = createKeyAuthenticator({
    load: (hash) => findApiKeyByHash(db, hash),
    process: true,
    feeds: [
      (handlers) => (raw.driver === "postgres" ? listenOnPostgres(raw.url, handlers) : listenOnPglite(raw.pglite, handlers)),
      ...(env.redisUrl ? [(handlers: Parameters<typeof subscribeOnRedis>[1]) => subscribeOnRedis(env.redisUrl!, handlers)] : []),
    ],
  });
  holder[holderKey] = { env, raw, authenticator };
  return authenticator;
}

/** Stops listening (at shutdown, and when a test closes its database). */
export async function closeKeyAuthenticator(): Promise<void> {
  const current = holder[holderKey];
  holder[holderKey] = undefined;
  await current?.authenticator.close();
}
