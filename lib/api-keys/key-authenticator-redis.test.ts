import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { users } from "@/db/schema";
import { createAppHarness } from "@/test/support/app-harness";
import { testEnv } from "@/test/support/test-env";
import { createKeyAuthenticator, type KeyAuthenticator } from "./key-authenticator";
import { subscribeOnRedis } from "./key-change-feed";
import { authenticateApiKey, findApiKeyByHash, revokeApiKey } from "./manage-api-keys";

// Deployments whose database connections cannot LISTEN (a pooler in transaction mode) hear of changes on Redis.
const REDIS_URL = testEnv.TEST_REDIS_URL;

describe.runIf(Boolean(REDIS_URL))("key changes announced on Redis (REDIS_URL)", () => {
  let app: Awaited<ReturnType<typeof createAppHarness>>;
  let other: KeyAuthenticator;

  beforeAll(async () => {
    app = await createAppHarness({ REDIS_URL: REDIS_URL! });
    // Another instance that listens on Redis only.
    other = await new Promise<KeyAuthenticator>((resolve) => {
      const authenticator = createKeyAuthenticator({ load: (hash) => findApiKeyByHash(app.db, hash), feeds: [(handlers) => subscribeOnRedis(REDIS_URL!, handlers)] });
      const stop = authenticator.onChange((change) => {
        if (change !== "feed:up") return;
        stop();
        resolve(authenticator);
      });
    });
  });
  afterAll(async () => {
    await other?.close();
    await app?.close();
  });

  it("a key revoked through the app is refused next on an instance that hears Redis only", async () => {
    const key = await app.mspKey("redis-feed.example");
    const found = await other.authenticate(key);
    expect(found).toMatchObject({ mspId: "redis-feed.example" });
    expect(other.cache.size).toBe(1);
    const [operator] = await app.db.insert(users).values({}).returning({ id: users.id });
    const heard = new Promise<void>((resolve) => {
      const stop = other.onChange((change) => {
        if (change !== `key:${found!.keyId}`) return;
        stop();
        resolve();
      });
    });
    expect(await revokeApiKey({ db: app.db, keyId: found!.keyId, operatorUserId: operator!.id, now: new Date() })).toBe(true);
    await heard;
    expect(other.cache.size).toBe(0);
    expect(await other.authenticate(key)).toBeNull();
    expect(await authenticateApiKey(app.db, key)).toBeNull();
  });
});
