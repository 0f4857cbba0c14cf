import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLog } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import { freePort, startApiServer } from "@/test/support/api-server";
import { createAppHarness } from "@/test/support/app-harness";
import { testKeys } from "@/test/support/otp-harness";
import { pgbouncerAvailable, startPgbouncer } from "@/test/support/pgbouncer";
import { testEnv } from "@/test/support/test-env";

/**
 * The whole app with its database reached only through Debian's PgBouncer in transaction mode, with fewer server
 * connections than the app's pool: every transaction may land on another server connection than the last, so
 * anything that relies on a session (a named prepared statement, a plain SET, an advisory lock held across
 * statements) fails here. With DATABASE_PREPARED_STATEMENTS=false, as the README says for such a pooler, all of it
 * works. With the default, the app's own named statements may be refused there, but never silently: postgres.js's
 * COMMIT is sent unprepared (scripts/patch-dependencies.mjs), where a prepared one once turned into a ROLLBACK
 * reported as a commit.
 */
if (process.env.CI && !pgbouncerAvailable()) throw new Error("CI must run the PgBouncer test: apt-get install pgbouncer");

async function startBehindPgbouncer(preparedStatements: boolean) {
  const server = new URL(testEnv.TEST_DATABASE_URL!);
  const bouncer = await startPgbouncer({ port: Number(server.port || 5432) }, { serverConnections: 2 });
  const through = new URL(server);
  through.port = String(bouncer.port);
  // The database is created, migrated and used through the pooler: the app never sees the server itself.
  const app = await createAppHarness({ DATABASE_PREPARED_STATEMENTS: String(preparedStatements) }, { databaseServerUrl: through.toString(), databaseOptions: { preparedStatements } });
  expect(new URL(app.databaseUrl!).port).toBe(String(bouncer.port));
  return { bouncer, app };
}

/** More transactions than server connections: each client connection's next transaction meets another one. */
async function commitConcurrently(app: Awaited<ReturnType<typeof createAppHarness>>, count: number) {
  const outcomes = await Promise.allSettled(
    Array.from({ length: count }, (_, index) =>
      withTransaction(app.db, async (tx) => {
        await tx.insert(auditLog).values({ at: new Date(), actorKind: "system", action: "pooler.test", subjectType: "test", subjectId: String(index) });
      }).then(() => index),
    ),
  );
  const acknowledged = outcomes.flatMap((outcome) => (outcome.status === "fulfilled" ? [outcome.value] : []));
  const rows = await app.db.select({ subjectId: auditLog.subjectId }).from(auditLog).where(eq(auditLog.action, "pooler.test"));
  return { acknowledged, stored: rows.map(({ subjectId }) => Number(subjectId)).sort((a, b) => a - b) };
}

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL) && pgbouncerAvailable())("the app behind PgBouncer in transaction mode, with the default settings", () => {
  let started: Awaited<ReturnType<typeof startBehindPgbouncer>>;
  beforeAll(async () => {
    started = await startBehindPgbouncer(true);
  }, 60_000);
  afterAll(async () => {
    await started?.app.close();
    await started?.bouncer.stop();
  });

  it("never reports a transaction committed that was not", async () => {
    const { acknowledged, stored } = await commitConcurrently(started.app, 60);
    expect(stored).toEqual(acknowledged.sort((a, b) => a - b));
    expect(acknowledged).toHaveLength(60);
  });
});

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL) && pgbouncerAvailable())("the app behind PgBouncer in transaction mode, without prepared statements", () => {
  let bouncer: Awaited<ReturnType<typeof startPgbouncer>>;
  let app: Awaited<ReturnType<typeof createAppHarness>>;
  let api: Awaited<ReturnType<typeof startApiServer>>;
  let base: string;
  let key: string;

  beforeAll(async () => {
    ({ bouncer, app } = await startBehindPgbouncer(false));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = await startApiServer({ port, origin: app.origin });
    key = await app.mspKey("chat.example");
  }, 60_000);
  afterAll(async () => {
    await api?.close();
    await app?.close();
    await bouncer?.stop();
  });

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const answer = (await response.json()) as { result?: string; results?: { result: string }[] };
    return { status: response.status, results: answer.results?.map(({ result }) => result) ?? [answer.result] };
  };

  it("commits every transaction it acknowledges, however many run at once", async () => {
    const { acknowledged, stored } = await commitConcurrently(app, 60);
    expect(acknowledged).toHaveLength(60);
    expect(stored).toEqual(Array.from({ length: 60 }, (_, index) => index));
  });

  it("publishes at once for several people, answers concurrent single and batch lookups, and a removal is never served again", async () => {
    const published = await Promise.all(["pooled-1@example.com", "pooled-2@example.com", "pooled-3@example.com"].map((csi) => app.publishFor(csi)));

    const singles = await Promise.all(Array.from({ length: 120 }, (_, index) => post("/api/v1/lookup", { csi: published[index % 3]!.csi })));
    expect(singles.filter(({ status, results }) => status !== 200 || results[0] !== "found")).toEqual([]);
    const batches = await Promise.all(Array.from({ length: 12 }, () => post("/api/v1/lookup/batch", { csis: [...published.map(({ csi }) => csi), "nobody@example.com"] })));
    expect(batches.map(({ status, results }) => [status, results])).toEqual(
      Array.from({ length: 12 }, () => [200, ["found", "found", "found", "none"]]),
    );

    // A removal is a transaction with a passkey check, a tombstone, audit and outbox rows, all through the pooler.
    const gone = published[0]!;
    const started = await startRecipientRemoval({ db: app.db, rp: gone.rp, userId: gone.userId, mappingIds: [gone.id], now: new Date() });
    const response = (await gone.authenticator.authenticate({ challenge: started.options.challenge, rpId: "localhost", origin: app.origin })) as never;
    const removed = await finishRecipientRemoval({ db: app.db, rp: gone.rp, issuer: app.origin, sealingKey: testKeys.sealing, userId: gone.userId, challengeId: started.challengeId, response, now: new Date() });
    expect(removed).toBe(1);
    const after = await Promise.all(Array.from({ length: 30 }, () => post("/api/v1/lookup", { csi: gone.csi })));
    expect(after.map(({ status, results }) => `${status} ${results[0]}`)).toEqual(Array.from({ length: 30 }, () => "200 none"));
  });
});
