import { and, desc, gte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { msps, tokenIssuance } from "@/db/schema";
import { listIssuerKeys, type IssuerKeyState } from "./issuer-keys";
import { listOhttpKeys, type OhttpKeyState } from "./ohttp-keys";
import type { SpendStore } from "./spend-store";

export type PrivateStats = {
  /** Tokens issued per MSP over the last `days` days: the MSP asked with its key, so this is known anyway. */
  issuance: { mspId: string; displayName: string; today: number; lastDays: number }[];
  /** Redemptions per issuer key, all MSPs together: a redeemed token names no MSP, so there is nothing to split by. */
  issuerKeys: (IssuerKeyState & { redeemed: number })[];
  ohttpKeys: OhttpKeyState[];
  days: number;
};

/** What the operator console shows about private lookups. */
export async function privateStats(db: Database, store: SpendStore, now: Date, days = 7): Promise<PrivateStats> {
  const today = now.toISOString().slice(0, 10);
  const since = new Date(now.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10);
  const issuance = await db
    .select({
      mspId: tokenIssuance.mspId,
      displayName: sql<string>`max(${msps.displayName})`,
      today: sql<number>`coalesce(sum(${tokenIssuance.issued}) filter (where ${tokenIssuance.day} = ${today}), 0)::int`,
      lastDays: sql<number>`sum(${tokenIssuance.issued})::int`,
    })
    .from(tokenIssuance)
    .innerJoin(msps, sql`${msps.id} = ${tokenIssuance.mspId}`)
    .where(and(gte(tokenIssuance.day, since)))
    .groupBy(tokenIssuance.mspId)
    .orderBy(desc(sql`sum(${tokenIssuance.issued})`));
  const keys = await listIssuerKeys(db, now);
  const issuerKeys = await Promise.all(keys.map(async (key) => ({ ...key, redeemed: await store.count(key.tokenKeyIdHex) })));
  return { issuance, issuerKeys, ohttpKeys: await listOhttpKeys(db, now), days };
}
