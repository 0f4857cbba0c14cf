import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as removals } from "@/app/api/v1/csip/removals/route";
import { POST as lookupRoute } from "@/app/api/v1/lookup/route";
import { closeRawClient } from "@/db/client";
import { installDatabase, openConfiguredDatabase } from "@/db/index";
import { parseEnv } from "@/env";
import { openReplica, type Replica } from "@/db/replica";
import { getMetrics } from "@/lib/metrics/metrics";
import { apiRequest, createAppHarness } from "@/test/support/app-harness";
import { STANDBY_NAME, startStreamingReplica, streamingReplicaAvailable, until, type StreamingReplica } from "@/test/support/streaming-replica";
import { testEnv } from "@/test/support/test-env";

/**
 * Issue 10 on a real primary and streaming standby of the test's own: lookups read from the standby while it is a
 * synchronous standby that keeps up, and a removal once acknowledged is never served, whatever the standby does.
 * Runs in the "replica" Vitest project, after the others (vitest.config.ts): its two servers must not load the
 * machine under the timing-sensitive fault tests.
 */
if (process.env.CI && !streamingReplicaAvailable()) throw new Error("CI must run the streaming replica test: install PostgreSQL's server programs");

const LOOKUP_URL = "http://localhost:3000/api/v1/lookup";
const REMOVALS_URL = "http://localhost:3000/api/v1/csip/removals";
// The COMMIT's deadline is the statement timeout: short, so that a standby that never confirms costs a second.
const STATEMENT_TIMEOUT_MS = 1_000;

let cluster: StreamingReplica | undefined;
let app: Awaited<ReturnType<typeof createAppHarness>>;
let replica: Replica;
let database: string;
let mspKey: string;
let csipKey: string;

type LookupBody = { csi: string; result: string; mappings: unknown[] };
const lookup = async (csi: string) => {
  const response = await lookupRoute(apiRequest(LOOKUP_URL, { csi }, { key: mspKey }));
  return { status: response.status, body: (await response.json()) as LookupBody };
};
const remove = (csi: string, idempotencyKey?: string) =>
  removals(apiRequest(REMOVALS_URL, { items: [{ csi, reason: "other" }] }, { key: csipKey, headers: idempotencyKey ? { "idempotency-key": idempotencyKey } : {} }));
const reads = async () => {
  const values = (await getMetrics().lookupReads.get()).values;
  const of = (source: string) => values.find((value) => value.labels.source === source)?.value ?? 0;
  return { replica: of("replica"), primary: of("primary") };
};
const replicaServing = () => until(() => replica.monitor.usable, "the monitor to serve from the standby");
const primaryServing = () => until(() => !replica.monitor.usable, "the monitor to leave the standby");
const publish = async (local: string) => {
  await app.publishFor(`${local}@removals.example`);
  return `mailto:${local}@removals.example`;
};
const onReplica = async (statement: string) => cluster!.replica.query(statement, database);

describe.runIf(Boolean(testEnv.TEST_DATABASE_URL) && streamingReplicaAvailable())("lookups on a streaming replica", () => {
  beforeAll(async () => {
    cluster = await startStreamingReplica();
    app = await createAppHarness({}, { databaseServerUrl: cluster.primary.url(), databaseOptions: { replicated: true, statementTimeoutMs: STATEMENT_TIMEOUT_MS } });
    database = new URL(app.databaseUrl!).pathname.slice(1);
    // Checks every 200 ms rather than the server's 1 s, so that the test waits less for the monitor to notice.
    replica = openReplica({ url: cluster.replica.url(database), name: STANDBY_NAME, maxLagMs: 1_000 }, app.raw, { statementTimeoutMs: STATEMENT_TIMEOUT_MS, intervalMs: 200 });
    installDatabase(app.raw, replica);
    mspKey = await app.mspKey("chat.example");
    csipKey = (await app.csip("Removals telco", [{ kind: "email_domain", value: "removals.example" }])).key;
  }, 120_000);

  afterAll(async () => {
    // The primary must not wait for a standby that is gone while the test's database is dropped.
    await cluster?.setSynchronousStandbyNames("").catch(() => {});
    await replica?.close();
    await app?.close().catch(() => {});
    await cluster?.stop();
  });

  it("never serves a mapping from the standby once its removal was acknowledged, even when it replays late", { timeout: 120_000 }, async () => {
    const csis: string[] = [];
    for (let index = 0; index < 20; index += 1) csis.push(await publish(`gone${index}`));
    // Each commit is applied 150 ms after the primary made it: a removal acknowledged on the primary's own flush
    // would still be served by the standby for that long.
    await onReplica("alter system set recovery_min_apply_delay = '150ms'");
    await onReplica("select pg_reload_conf()");
    try {
      await replicaServing();
      for (const csi of csis) {
        expect((await lookup(csi)).body.result).toBe("found");
        const before = await reads();
        const removed = await remove(csi);
        expect(removed.status).toBe(200);
        const after = await lookup(csi);
        expect(after).toEqual({ status: 200, body: { csi, result: "none", mappings: [] } });
        // Read on the standby, not the primary: otherwise this proves nothing.
        expect((await reads()).replica - before.replica).toBe(1);
      }
    } finally {
      await onReplica("alter system reset recovery_min_apply_delay");
      await onReplica("select pg_reload_conf()");
    }
  });

  it("is what the configuration sets up: with DATABASE_REPLICA_URL transactions commit with remote_apply, and the standby is checked", async () => {
    const configured = openConfiguredDatabase(
      parseEnv({ DATA_DIR: mkdtempSync(path.join(tmpdir(), "mimi-replica-env-")), DATABASE_URL: app.databaseUrl!, DATABASE_REPLICA_URL: cluster!.replica.url(database), DATABASE_REPLICA_NAME: STANDBY_NAME }),
    );
    try {
      const mode = await configured.db.transaction(async (tx) => ((await tx.execute(sql`select current_setting('synchronous_commit') as mode`)) as unknown as { mode: string }[])[0]!.mode);
      expect(mode).toBe("remote_apply");
      const standby = configured.replica()!;
      expect(configured.replica()).toBe(standby);
      await until(() => standby.monitor.usable, "the configured standby's monitor");
      expect(await standby.db.execute(sql`select pg_is_in_recovery() as recovery`)).toEqual([{ recovery: true }]);
    } finally {
      await configured.closeReplica();
      await closeRawClient(configured.raw);
    }
  });

  it("answers 503 for a write the stalled standby never confirms, acknowledges nothing, and lookups keep answering", { timeout: 120_000 }, async () => {
    const csi = await publish("stalled");
    await replicaServing();
    await onReplica("select pg_wal_replay_pause()");
    try {
      const refused = await remove(csi, "stalled-1");
      expect(refused.status).toBe(503);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
      expect(refused.headers.get("retry-after")).toBeTruthy();
      expect(((await refused.json()) as { code: string }).code).toBe("service_unavailable");
      // Its transaction did commit on the primary. A retry finds the mapping removed, and the same key finds the
      // first answer stored: neither may be acknowledged before the standby has applied the first.
      expect((await remove(csi)).status).toBe(503);
      expect((await remove(csi, "stalled-1")).status).toBe(503);
      // The waits were cancelled: no connection of the pool is left waiting for the standby.
      await until(async () => (await cluster!.primary.query("select count(*)::int as waiting from pg_stat_activity where wait_event = 'SyncRep'"))[0]!.waiting === 0, "the waits to be cancelled");

      // Lookups answer throughout: the standby's answer (the removal was not acknowledged), then, once the monitor
      // sees its replay behind, the primary's, where the unconfirmed removal has landed.
      while (replica.monitor.usable) {
        const answer = await lookup(csi);
        expect(answer.status).toBe(200);
        expect(["found", "none"]).toContain(answer.body.result);
      }
      await until(() => /replay is \d+ ms behind/u.test(replica.monitor.reason ?? ""), "the monitor to see the replay behind");
      expect(await lookup(csi)).toEqual({ status: 200, body: { csi, result: "none", mappings: [] } });
    } finally {
      await onReplica("select pg_wal_replay_resume()");
    }
    await replicaServing();
    const before = await reads();
    expect(await lookup(csi)).toEqual({ status: 200, body: { csi, result: "none", mappings: [] } });
    expect((await reads()).replica - before.replica).toBe(1);
  });

  it("answers lookups from the primary while the standby is stopped; writes wait, then 503", { timeout: 120_000 }, async () => {
    const csi = await publish("stopped");
    await replicaServing();
    await cluster!.stopReplica();
    try {
      const before = await reads();
      for (let index = 0; index < 5; index += 1) expect(await lookup(csi)).toMatchObject({ status: 200, body: { csi, result: "found" } });
      expect(await reads()).toEqual({ replica: before.replica, primary: before.primary + 5 });
      expect(replica.monitor.usable).toBe(false);
      expect((await remove(csi)).status).toBe(503);
    } finally {
      await cluster!.startReplica();
    }
    await replicaServing();
    // The unconfirmed removal landed on the standby once it was back.
    expect((await lookup(csi)).body.result).toBe("none");
  });

  it("does not read from an asynchronous standby", { timeout: 120_000 }, async () => {
    const csi = await publish("async");
    await replicaServing();
    await cluster!.setSynchronousStandbyNames("");
    try {
      await until(() => /does not make every commit wait/u.test(replica.monitor.reason ?? ""), "the monitor to see the standby asynchronous");
      // Replay paused, the standby still has the mapping; the primary acknowledged its removal without waiting.
      await onReplica("select pg_wal_replay_pause()");
      expect((await remove(csi)).status).toBe(200);
      const before = await reads();
      expect(await lookup(csi)).toEqual({ status: 200, body: { csi, result: "none", mappings: [] } });
      expect((await reads()).replica).toBe(before.replica);
    } finally {
      await onReplica("select pg_wal_replay_resume()");
      await cluster!.setSynchronousStandbyNames(STANDBY_NAME);
    }
    await replicaServing();
  });

  it("answers 503 while the primary is down, even beside a healthy standby, and serves again when it is back", { timeout: 120_000 }, async () => {
    const csi = await publish("primary-down");
    await replicaServing();
    await cluster!.stopPrimary();
    try {
      // Without the primary nothing can say the standby is still pinned, so it is not read from.
      await primaryServing();
      const refused = await lookupRoute(apiRequest(LOOKUP_URL, { csi }, { key: mspKey }));
      expect(refused.status).toBe(503);
      expect(refused.headers.get("content-type")).toBe("application/problem+json");
    } finally {
      await cluster!.startPrimary();
    }
    await replicaServing();
    expect(await lookup(csi)).toMatchObject({ status: 200, body: { csi, result: "found" } });
  });

  it("does not read from a promoted standby", { timeout: 120_000 }, async () => {
    const csi = await publish("promoted");
    await replicaServing();
    await cluster!.promoteReplica();
    // Promoted, it takes writes of its own: here it would answer what the primary does not.
    await onReplica(`update mappings set status = 'removed' where csi = '${csi}'`);
    await primaryServing();
    const before = await reads();
    expect(await lookup(csi)).toMatchObject({ status: 200, body: { csi, result: "found" } });
    expect((await reads()).replica).toBe(before.replica);
  });
});
