import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { rateEvents } from "@/db/schema";
import { testEnv } from "@/test/support/test-env";
import { checkWindow, countEvents, lockBuckets, recordEvent } from "./sliding-window";
import { useTestDatabase } from "@/test/support/seeded-test-database";

const T0 = new Date("2026-11-22T10:00:00Z");
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const window = { limit: 3, windowMs: 60_000 };
const testDb = useTestDatabase({ truncateBeforeEach: ["rate_events"] });

const record = (bucket: string, seconds: number, keepMs = 3_600_000) => testDb.db.transaction((tx) => recordEvent(tx, bucket, at(seconds), keepMs));

describe("sliding windows of events", () => {
  it("allows up to the limit inside the window, then says when the oldest blocking event leaves it", async () => {
    for (const seconds of [0, 10, 20]) {
      expect(await checkWindow(testDb.db, "b", window, at(seconds))).toEqual({ allowed: true });
      await record("b", seconds);
    }
    expect(await checkWindow(testDb.db, "b", window, at(30))).toEqual({ allowed: false, retryAfterSeconds: 30 });
    // At exactly 60 s the first event is no longer inside (since is exclusive): one more fits.
    expect(await checkWindow(testDb.db, "b", window, at(60))).toEqual({ allowed: true });
    expect(await checkWindow(testDb.db, "b", window, at(59.5))).toEqual({ allowed: false, retryAfterSeconds: 1 });
  });

  it("counts only the events inside the window, of this bucket only", async () => {
    await record("a", 0);
    await record("a", 30);
    await record("other", 30);
    expect(await countEvents(testDb.db, "a", 60_000, at(45))).toBe(2);
    expect(await countEvents(testDb.db, "a", 60_000, at(60))).toBe(1);
    expect(await countEvents(testDb.db, "a", 60_000, at(90))).toBe(0);
    expect(await countEvents(testDb.db, "missing", 60_000, at(0))).toBe(0);
  });

  it("names the event that frees a slot when more than the limit are in the window", async () => {
    for (const seconds of [0, 5, 10, 15]) await record("over", seconds);
    // Four events, a limit of three: a slot frees when the second (at 5 s) leaves, at 65 s.
    expect(await checkWindow(testDb.db, "over", window, at(20))).toEqual({ allowed: false, retryAfterSeconds: 45 });
  });

  it("forgets a bucket's events older than the keep time when it records one, and only that bucket's", async () => {
    await record("old", 0);
    await record("kept", 0);
    await record("old", 7200, 3_600_000);
    const rows = await testDb.db.select().from(rateEvents);
    expect(rows.map((row) => [row.bucket, row.at.getTime()]).sort()).toEqual([["kept", T0.getTime()], ["old", at(7200).getTime()]].sort());
  });

  it("keeps an event exactly as old as the keep time", async () => {
    await record("edge", 0);
    await record("edge", 3600, 3_600_000);
    expect(await countEvents(testDb.db, "edge", 10_000_000, at(3600))).toBe(2);
  });

  it("serialises transactions on the same buckets, whatever order they name them in", async () => {
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = testDb.db.transaction(async (tx) => {
      await lockBuckets(tx, ["y", "x", "x"]);
      order.push("first locked");
      await held;
      order.push("first done");
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = testDb.db.transaction(async (tx) => {
      await lockBuckets(tx, ["x", "y"]);
      order.push("second locked");
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(["first locked", "first done", "second locked"]);
  });

  // Two transactions that lock the same buckets in opposite orders must never wait on each other in a cycle.
  // PGlite has one connection and cannot hold two transactions at once: this needs the server.
  it.runIf(Boolean(testEnv.TEST_DATABASE_URL))("takes the locks in one global order, so that no two transactions deadlock", async () => {
    const lock = (bucket: string) => sql`select pg_advisory_xact_lock(hashtextextended(${bucket}, 0))`;
    const waitingOnAdvisoryLock = async () => {
      const [row] = (await testDb.db.execute(sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`)) as unknown as { n: number }[];
      return row!.n > 0;
    };
    let other: Promise<void> | undefined;
    await testDb.db.transaction(async (holder) => {
      await holder.execute(lock("a"));
      // The other names b first. In the global order it waits for a before it takes b; out of order it would
      // hold b while it waits for a, and the holder, asking for b, would close the cycle.
      other = testDb.db.transaction((tx) => lockBuckets(tx, ["b", "a"]));
      while (!(await waitingOnAdvisoryLock())) await new Promise((resolve) => setTimeout(resolve, 10));
      const [row] = (await holder.execute(sql`select pg_try_advisory_xact_lock(hashtextextended(${"b"}, 0)) as free`)) as unknown as { free: boolean }[];
      expect(row!.free).toBe(true);
    });
    await other;
  });
});
