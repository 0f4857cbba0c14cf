import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeRawClient, openRawClient, wrapClient, type Database, type RawClient } from "@/db/client";
import { apiKeys, msps, users } from "@/db/schema";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { testEnv } from "@/test/support/test-env";
import { generateApiKey } from "./api-key-format";
import { createKeyAuthenticator, type KeyAuthenticator } from "./key-authenticator";
import { listenOnPostgres } from "./key-change-feed";
import { findApiKeyByHash, revokeApiKey } from "./manage-api-keys";

// Two instances of the DP on one real PostgreSQL: each its own pool, its own LISTEN connection, its own cache.
type Instance = { raw: RawClient; db: Database; authenticator: KeyAuthenticator; loads: () => number };

let database: TestDatabase;
let a: Instance;
let b: Instance;
let operatorId: string;

async function startInstance(url: string): Promise<Instance> {
  const raw = openRawClient({ url });
  const db = wrapClient(raw);
  let loads = 0;
  const authenticator = createKeyAuthenticator({
    load: (hash) => {
      loads += 1;
      return findApiKeyByHash(db, hash);
    },
    feeds: [(handlers) => listenOnPostgres(url, handlers)],
  });
  await nextChange(authenticator, (change) => change === "feed:up");
  return { raw, db, authenticator, loads: () => loads };
}

/** Resolves when the authenticator has applied a change that `matches`: an event, not a timer. */
function nextChange(authenticator: KeyAuthenticator, matches: (change: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const stop = authenticator.onChange((change) => {
      if (!matches(change)) return;
      stop();
      resolve(change);
    });
  });
}

async function newKey(db: Database, mspId: string) {
  await db.insert(msps).values({ id: mspId, displayName: mspId, lookupBurst: 100, lookupRefillPerSecond: 10 }).onConflictDoNothing();
  const { key, prefix, hash } = generateApiKey("msp");
  const [row] = await db.insert(apiKeys).values({ ownerKind: "msp", mspId, label: "test", prefix, keyHash: hash, createdAt: new Date() }).returning({ id: apiKeys.id });
  return { key, id: row!.id };
}

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL))("API keys cached per instance, revoked on every instance at once", () => {
  beforeAll(async () => {
    database = await createTestDatabase({ driver: "postgres" });
    a = await startInstance(database.url!);
    b = await startInstance(database.url!);
    [{ id: operatorId }] = (await database.db.insert(users).values({}).returning({ id: users.id })) as [{ id: string }];
  });
  afterAll(async () => {
    for (const instance of [a, b]) {
      await instance?.authenticator.close();
      if (instance) await closeRawClient(instance.raw);
    }
    await database?.close();
  });

  it("answers a verified key from memory, and refuses it on the other instance once revoked on this one", async () => {
    const { key, id } = await newKey(a.db, "revoke.example");
    expect(await b.authenticator.authenticate(key)).toMatchObject({ keyId: id, mspId: "revoke.example" });
    const loads = b.loads();
    for (let i = 0; i < 5; i += 1) expect(await b.authenticator.authenticate(key)).toMatchObject({ keyId: id });
    expect(b.loads()).toBe(loads);

    const heard = nextChange(b.authenticator, (change) => change === `key:${id}`);
    expect(await revokeApiKey({ db: a.db, keyId: id, operatorUserId: operatorId, now: new Date() })).toBe(true);
    await heard;
    expect(await b.authenticator.authenticate(key)).toBeNull();
    expect(b.loads()).toBe(loads + 1);
    // A refused key is not remembered as refused: the next try asks the database again.
    expect(await b.authenticator.authenticate(key)).toBeNull();
    expect(b.loads()).toBe(loads + 2);
  });

  it("a key revoked during a burst: every answer is the key or a refusal, and none is the key after the news", async () => {
    const { key, id } = await newKey(a.db, "burst.example");
    expect(await b.authenticator.authenticate(key)).not.toBeNull();
    let heardAt = Number.POSITIVE_INFINITY;
    let sequence = 0;
    const heard = nextChange(b.authenticator, (change) => change === `key:${id}`).then(() => (heardAt = sequence));
    const answers: { at: number; ok: boolean }[] = [];
    const burst = (async () => {
      // Waves of concurrent requests until a few have started after the news (cached answers need no I/O, so
      // each wave yields to the event loop for the notification to be read).
      for (let wave = 0; wave < 100_000 && !(heardAt < sequence - 2); wave += 1) {
        const at = (sequence += 1);
        const results = await Promise.all(Array.from({ length: 25 }, () => b.authenticator.authenticate(key)));
        for (const result of results) answers.push({ at, ok: result !== null });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    await revokeApiKey({ db: a.db, keyId: id, operatorUserId: operatorId, now: new Date() });
    await heard;
    await burst;
    expect(answers.some((answer) => answer.ok)).toBe(true);
    // A wave that started after the announcement was applied got refusals only.
    expect(answers.filter((answer) => answer.at > heardAt && answer.ok)).toEqual([]);
    expect(answers.filter((answer) => answer.at > heardAt).length).toBeGreaterThan(0);
  });

  it("hears changes made by any write path, a hand-written UPDATE included: limits, a removed MSP", async () => {
    const { key } = await newKey(a.db, "limits.example");
    expect(await b.authenticator.authenticate(key)).toMatchObject({ policy: { burst: 100, refillPerSecond: 10 } });
    let heard = nextChange(b.authenticator, (change) => change === "msp:limits.example");
    await a.db.execute(sql`update msps set lookup_burst = 7 where id = 'limits.example'`);
    await heard;
    expect(await b.authenticator.authenticate(key)).toMatchObject({ policy: { burst: 7 } });

    heard = nextChange(b.authenticator, (change) => change === "msp:limits.example");
    await a.db.update(msps).set({ deletedAt: new Date() }).where(eq(msps.id, "limits.example"));
    await heard;
    expect(await b.authenticator.authenticate(key)).toBeNull();
  });

  it("a change rolled back is not announced, and one committed is announced once it commits", async () => {
    const { key, id } = await newKey(a.db, "rollback.example");
    expect(await b.authenticator.authenticate(key)).not.toBeNull();
    const changes: string[] = [];
    const stop = b.authenticator.onChange((change) => changes.push(change));
    await a.db
      .transaction(async (tx) => {
        await tx.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
        throw new Error("rolled back");
      })
      .catch(() => {});
    // A later announcement proves the channel was heard past the rolled-back one, without waiting on time.
    const marker = nextChange(b.authenticator, (change) => change === "msp:marker.example");
    await a.db.insert(msps).values({ id: "marker.example", displayName: "m" });
    await a.db.update(msps).set({ displayName: "n" }).where(eq(msps.id, "marker.example"));
    await marker;
    stop();
    expect(changes).toEqual(["msp:marker.example"]);
    expect(await b.authenticator.authenticate(key)).toMatchObject({ keyId: id });
  });

  it("made-up keys fill nothing: each costs a query and takes no slot", async () => {
    const before = b.authenticator.cache.size;
    const loads = b.loads();
    for (let i = 0; i < 50; i += 1) expect(await b.authenticator.authenticate(generateApiKey("msp").key)).toBeNull();
    expect(b.authenticator.cache.size).toBe(before);
    expect(b.loads()).toBe(loads + 50);
  });

  it("while its LISTEN connection is lost, an instance answers from the database only, and trusts again once back", async () => {
    const { key, id } = await newKey(a.db, "lost.example");
    expect(await b.authenticator.authenticate(key)).not.toBeNull();
    const down = nextChange(b.authenticator, (change) => change === "feed:down");
    const up = nextChange(b.authenticator, (change) => change === "feed:up");
    // Both instances' listeners go: a revocation made now is announced to nobody.
    await a.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'mimi-discovery key changes' and datname = current_database()`);
    await down;
    expect(b.authenticator.cache.trusted).toBe(false);
    const loads = b.loads();
    await a.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
    expect(await b.authenticator.authenticate(key)).toBeNull();
    expect(b.loads()).toBe(loads + 1);
    await up;
    expect(b.authenticator.cache.trusted).toBe(true);
    expect(await b.authenticator.authenticate(key)).toBeNull();
  });
});
