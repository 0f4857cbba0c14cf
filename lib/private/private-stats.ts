import { and, desc, gt, gte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { msps, usageHourly } from "@/db/schema";
import { listIssuerKeys, type IssuerKeyState } from "./issuer-keys";
import { listOhttpKeys, type OhttpKeyState } from "./ohttp-keys";
import { publishedOprfKeys, type OprfKeyEntry } from "./published-oprf-keys";
import { countRecords } from "./write-records";
import type { SpendStore } from "./spend-store";

export type PrivateStats = {
  /** Tokens issued per MSP over the last `days` days: the MSP asked with its key, so this is known anyway. */
  issuance: { mspId: string; displayName: string; today: number; lastDays: number }[];
  /** Redemptions per issuer key, all MSPs together: a redeemed token names no MSP, so there is nothing to split by. */
  issuerKeys: (IssuerKeyState & { redeemed: number })[];
  ohttpKeys: OhttpKeyState[];
  /** The OPRF keys of the buckets, as the metadata lists them, with how many records each holds. */
  oprfKeys: (OprfKeyEntry & { records: number })[];
  days: number;
};

/** What the operator console shows about private lookups. */
export async function privateStats(db: Database, store: SpendStore, now: Date, days = 7): Promise<PrivateStats> {
  // Issuance is in the hourly usage every instance writes (lib/metrics/usage.ts), by UTC day.
  const today = new Date(now);
  today.setUTCHours(0, 0, 0, 0);
  const since = new Date(today.getTime() - (days - 1) * 86_400_000);
  const issuance = await db
    .select({
      mspId: usageHourly.mspId,
      displayName: sql<string>`max(${msps.displayName})`,
      today: sql<number>`coalesce(sum(${usageHourly.tokensIssued}) filter (where ${usageHourly.hour} >= ${today.toISOString()}::timestamptz), 0)::int`,
      lastDays: sql<number>`sum(${usageHourly.tokensIssued})::int`,
    })
    .from(usageHourly)
    .innerJoin(msps, sql`${msps.id} = ${usageHourly.mspId}`)
    .where(and(gte(usageHourly.hour, since), gt(usageHourly.tokensIssued, 0)))
    .groupBy(usageHourly.mspId)
    .orderBy(desc(sql`sum(${usageHourly.tokensIssued})`));
  const keys = await listIssuerKeys(db, now);
  const issuerKeys = await Promise.all(keys.map(async (key) => ({ ...key, redeemed: await store.count(key.tokenKeyIdHex) })));
  const oprf = await publishedOprfKeys(db, now, { refresh: true });
  const records = await countRecords(db, oprf.map((key) => key.epoch));
  const oprfKeys = oprf.map((key) => ({ ...key, records: records.get(key.epoch) ?? 0 }));
  return { issuance, issuerKeys, ohttpKeys: await listOhttpKeys(db, now), oprfKeys, days };
}
