import { sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { usageHourly } from "@/db/schema";

type Counts = { requests: number; identifiers: number; rateLimited: number; unavailable: number; tokensIssued: number };
export type UsageEvent = Partial<Counts> & { mspId: string | null };

// Counts not yet written, by hour and MSP. Only counts: losing them in a crash loses a few seconds of a chart, and
// no other instance needs them. On globalThis, as the metrics registry, for the two module graphs of one process.
const bufferKey = Symbol.for("mimi.usage");
const holder = globalThis as { [bufferKey]?: Map<string, Counts> };
const buffer = (): Map<string, Counts> => (holder[bufferKey] ??= new Map());

const ZERO: Counts = { requests: 0, identifiers: 0, rateLimited: 0, unavailable: 0, tokensIssued: 0 };

function hourOf(now: Date): string {
  const hour = new Date(now);
  hour.setUTCMinutes(0, 0, 0);
  return hour.toISOString();
}

/** Adds to this hour's counts of an MSP (or of no MSP, for refusals before a key was known). No I/O. */
export function recordUsage(event: UsageEvent, now: Date): void {
  const key = `${hourOf(now)}|${event.mspId ?? ""}`;
  const counts = buffer().get(key) ?? { ...ZERO };
  for (const field of Object.keys(ZERO) as (keyof Counts)[]) counts[field] += event[field] ?? 0;
  buffer().set(key, counts);
}

/**
 * Adds the buffered counts to usage_hourly in one statement, and forgets them once written. Counts that could not be
 * written (the database is down) stay in the buffer and are added with the next flush.
 */
export async function flushUsage(db: Database): Promise<number> {
  const taken = [...buffer().entries()];
  if (taken.length === 0) return 0;
  buffer().clear();
  const rows = taken.map(([key, counts]) => {
    const [hour, mspId] = key.split("|") as [string, string];
    return { hour: new Date(hour), mspId, ...counts };
  });
  try {
    await db
      .insert(usageHourly)
      .values(rows)
      .onConflictDoUpdate({
        target: [usageHourly.hour, usageHourly.mspId],
        set: {
          requests: sql`${usageHourly.requests} + excluded.requests`,
          identifiers: sql`${usageHourly.identifiers} + excluded.identifiers`,
          rateLimited: sql`${usageHourly.rateLimited} + excluded.rate_limited`,
          unavailable: sql`${usageHourly.unavailable} + excluded.unavailable`,
          tokensIssued: sql`${usageHourly.tokensIssued} + excluded.tokens_issued`,
        },
      });
    return rows.length;
  } catch (error) {
    for (const row of rows) recordUsage(row, row.hour);
    throw error;
  }
}
