import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csips, mappings, msps, tombstones, usageHourly } from "@/db/schema";

export type DashboardRange = "day" | "month";

/** One series of a chart: a value per bucket. */
export type Series = { name: string; values: number[] };

export type DashboardFigures = {
  range: DashboardRange;
  /** The start of each bucket: hours over the last day, days over the last 30. */
  buckets: Date[];
  lookupsByMsp: Series[];
  refusals: Series[];
  tokensIssued: number[];
  published: number[];
  removed: Series[];
  /** The next 30 days, whatever the range: mappings that expire each day unless renewed. */
  expiring: { days: Date[]; values: number[] };
  csipRemovals: { csipId: string | null; name: string; count: number }[];
};

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function bucketStarts(range: DashboardRange, now: Date): Date[] {
  const size = range === "day" ? HOUR : DAY;
  const last = new Date(now);
  if (range === "day") last.setUTCMinutes(0, 0, 0);
  else last.setUTCHours(0, 0, 0, 0);
  const count = range === "day" ? 24 : 30;
  return Array.from({ length: count }, (_, index) => new Date(last.getTime() - (count - 1 - index) * size));
}

/**
 * What the operator's dashboard shows, from what the database already holds: usage counts per MSP and hour
 * (usage_hourly), mappings by when they were signed and when they expire, and removals by their tombstones. Counts
 * only: nothing here knows what anyone looked up.
 */
export async function dashboardFigures(db: Database, options: { range: DashboardRange; now: Date }): Promise<DashboardFigures> {
  const { range, now } = options;
  const buckets = bucketStarts(range, now);
  const from = buckets[0]!;
  const unit = range === "day" ? "hour" : "day";
  const slot = (at: Date) => {
    const index = Math.floor((at.getTime() - from.getTime()) / (range === "day" ? HOUR : DAY));
    return index >= 0 && index < buckets.length ? index : -1;
  };
  const zeros = () => buckets.map(() => 0);
  const truncated = (column: unknown) => sql<Date>`date_trunc(${sql.raw(`'${unit}'`)}, ${column}, 'UTC')`;

  const [usage, mspRows, publishedRows, removedRows, expiringRows, csipRows] = await Promise.all([
    db
      .select({
        at: truncated(usageHourly.hour),
        mspId: usageHourly.mspId,
        identifiers: sql<number>`sum(${usageHourly.identifiers})::int`,
        rateLimited: sql<number>`sum(${usageHourly.rateLimited})::int`,
        unavailable: sql<number>`sum(${usageHourly.unavailable})::int`,
        tokensIssued: sql<number>`sum(${usageHourly.tokensIssued})::int`,
      })
      .from(usageHourly)
      .where(gte(usageHourly.hour, from))
      .groupBy(sql`1`, usageHourly.mspId),
    db.select({ id: msps.id, name: msps.displayName }).from(msps),
    db
      .select({ at: truncated(mappings.createdAt), count: sql<number>`count(*)::int` })
      .from(mappings)
      .where(gte(mappings.createdAt, from))
      .groupBy(sql`1`),
    db
      .select({ at: truncated(tombstones.removedAt), by: tombstones.removedBy, count: sql<number>`count(*)::int` })
      .from(tombstones)
      .where(gte(tombstones.removedAt, from))
      .groupBy(sql`1`, tombstones.removedBy),
    db
      .select({ at: sql<Date>`date_trunc('day', ${mappings.expiresAt}, 'UTC')`, count: sql<number>`count(*)::int` })
      .from(mappings)
      .where(and(eq(mappings.status, "active"), gte(mappings.expiresAt, now), lt(mappings.expiresAt, new Date(now.getTime() + 30 * DAY))))
      .groupBy(sql`1`),
    db
      .select({ csipId: tombstones.csipId, name: csips.name, count: sql<number>`count(*)::int` })
      .from(tombstones)
      .leftJoin(csips, eq(csips.id, tombstones.csipId))
      .where(and(eq(tombstones.removedBy, "csip"), gte(tombstones.removedAt, from)))
      .groupBy(tombstones.csipId, csips.name),
  ]);

  const names = new Map(mspRows.map((row) => [row.id, row.name]));
  const byMsp = new Map<string, number[]>();
  const rateLimited = zeros();
  const unavailable = zeros();
  const tokensIssued = zeros();
  for (const row of usage) {
    const index = slot(new Date(row.at));
    if (index < 0) continue;
    if (row.mspId !== "") {
      const values = byMsp.get(row.mspId) ?? zeros();
      values[index]! += row.identifiers;
      byMsp.set(row.mspId, values);
    }
    rateLimited[index]! += row.rateLimited;
    unavailable[index]! += row.unavailable;
    tokensIssued[index]! += row.tokensIssued;
  }
  const published = zeros();
  for (const row of publishedRows) {
    const index = slot(new Date(row.at));
    if (index >= 0) published[index]! += row.count;
  }
  const removedBy = new Map<string, number[]>();
  for (const row of removedRows) {
    const index = slot(new Date(row.at));
    if (index < 0) continue;
    const values = removedBy.get(row.by) ?? zeros();
    values[index]! += row.count;
    removedBy.set(row.by, values);
  }
  const days = Array.from({ length: 30 }, (_, index) => {
    const day = new Date(now);
    day.setUTCHours(0, 0, 0, 0);
    return new Date(day.getTime() + index * DAY);
  });
  const expiring = days.map(() => 0);
  for (const row of expiringRows) {
    const index = Math.floor((new Date(row.at).getTime() - days[0]!.getTime()) / DAY);
    if (index >= 0 && index < days.length) expiring[index]! += row.count;
  }
  const REMOVERS: Record<string, string> = { recipient: "By recipients", csip: "By CSIPs", system: "By new holders and the system" };

  return {
    range,
    buckets,
    lookupsByMsp: [...byMsp].map(([mspId, values]) => ({ name: names.get(mspId) ?? mspId, values })).sort((a, b) => total(b.values) - total(a.values)),
    refusals: [
      { name: "Rate limited (429)", values: rateLimited },
      { name: "Dependency down (503)", values: unavailable },
    ],
    tokensIssued,
    published,
    removed: Object.entries(REMOVERS).map(([by, name]) => ({ name, values: removedBy.get(by) ?? zeros() })),
    expiring: { days, values: expiring },
    csipRemovals: csipRows.map((row) => ({ csipId: row.csipId, name: row.name ?? "a CSIP that no longer exists", count: row.count })).sort((a, b) => b.count - a.count),
  };
}

function total(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0);
}
