import { and, asc, eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { rateEvents } from "@/db/schema";

export type Window = { limit: number; windowMs: number };

export type WindowState = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Serialises every transaction that counts in these buckets until commit, so that concurrent requests cannot
 * both see "4 of 5" and both send. Sorted, so two transactions never wait on each other in a cycle.
 */
export async function lockBuckets(tx: Database, buckets: string[]): Promise<void> {
  for (const bucket of [...new Set(buckets)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${bucket}, 0))`);
  }
}

/** Whether one more event fits in the window; if not, when the oldest event that blocks it leaves the window. */
export async function checkWindow(tx: Database, bucket: string, window: Window, now: Date): Promise<WindowState> {
  const since = new Date(now.getTime() - window.windowMs);
  const events = await tx
    .select({ at: rateEvents.at })
    .from(rateEvents)
    .where(and(eq(rateEvents.bucket, bucket), gt(rateEvents.at, since)))
    .orderBy(asc(rateEvents.at));
  if (events.length < window.limit) return { allowed: true };
  const freeing = events[events.length - window.limit]!.at;
  const retryAfterMs = freeing.getTime() + window.windowMs - now.getTime();
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

export async function countEvents(tx: Database, bucket: string, windowMs: number, now: Date): Promise<number> {
  const since = new Date(now.getTime() - windowMs);
  const [row] = await tx
    .select({ count: sql<number>`count(*)::int` })
    .from(rateEvents)
    .where(and(eq(rateEvents.bucket, bucket), gt(rateEvents.at, since)));
  // Stryker disable next-line OptionalChaining: equivalent, count(*) without GROUP BY always returns one row.
  return row?.count ?? 0;
}

/** Records one event and forgets this bucket's events older than `keepMs`, so the table stays small. */
export async function recordEvent(tx: Database, bucket: string, now: Date, keepMs: number): Promise<void> {
  await tx.insert(rateEvents).values({ bucket, at: now });
  await tx
    .delete(rateEvents)
    .where(and(eq(rateEvents.bucket, bucket), lt(rateEvents.at, new Date(now.getTime() - keepMs))));
}
