import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { pgbouncerAvailable, startPgbouncer } from "@/test/support/pgbouncer";
import { testEnv } from "@/test/support/test-env";
import { listenOnPostgres } from "./key-change-feed";

// PgBouncer in transaction mode accepts LISTEN and then gives the server connection to whoever comes next: queries
// still answer, announcements never arrive. The feed must see that, or a cache would outlive revocations.
describe.runIf(Boolean(testEnv.TEST_DATABASE_URL) && pgbouncerAvailable())("the key-change feed behind PgBouncer in transaction mode", () => {
  let database: TestDatabase;
  let bouncer: Awaited<ReturnType<typeof startPgbouncer>>;
  beforeAll(async () => {
    database = await createTestDatabase({ driver: "postgres" });
    bouncer = await startPgbouncer({ port: Number(new URL(database.url!).port || 5432) });
  });
  afterAll(async () => {
    await bouncer?.stop();
    await database?.close();
  });

  it("never says it listens, although every query through the pooler answers", async () => {
    const through = new URL(database.url!);
    through.port = String(bouncer.port);
    let ups = 0;
    let failures = 0;
    let twoFailures!: () => void;
    const failedTwice = new Promise<void>((resolve) => (twoFailures = resolve));
    const feed = listenOnPostgres(through.toString(), {
      onChange: () => {},
      onUp: () => (ups += 1),
      onDown: () => {},
      onAttemptFailed: () => {
        failures += 1;
        if (failures === 2) twoFailures();
      },
    });
    const pooled = postgres(through.toString(), { max: 1, onnotice: () => {} });
    try {
      await failedTwice;
      expect(ups).toBe(0);
      // The pooler itself is fine: LISTEN is accepted and queries answer.
      expect(await pooled.unsafe(`listen "mimi_api_key_changes"`)).toBeDefined();
      expect((await pooled.unsafe("select 1 as one"))[0]).toEqual({ one: 1 });
    } finally {
      await pooled.end();
      await feed.close();
    }
  });

  it("says it listens on a direct connection to the same database", async () => {
    const up = await new Promise<boolean>((resolve) => {
      const feed = listenOnPostgres(database.url!, { onChange: () => {}, onUp: () => void feed.close().then(() => resolve(true)), onDown: () => {}, onAttemptFailed: () => void feed.close().then(() => resolve(false)) });
    });
    expect(up).toBe(true);
  });
});
