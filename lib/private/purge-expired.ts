import { and, isNotNull, lte } from "drizzle-orm";
import type { Database } from "@/db/client";
import { issuerKeys, ohttpKeys, spentOnce } from "@/db/schema";
import { purgeRetiredOprfKeys } from "./oprf-keys";

/**
 * Forgets what can no longer matter: spent tokens and opened requests past their expiry (a token of an expired key is
 * refused by its key anyway, a replay past its window by its token), and keys past their grace period (a retired OPRF key's records with it). Every instance
 * runs it now and then (server.ts); in Redis the entries expire by themselves.
 */
export async function purgeExpired(db: Database, now: Date): Promise<{ spent: number; keys: number }> {
  const spent = await db.delete(spentOnce).where(lte(spentOnce.expiresAt, now)).returning({ id: spentOnce.id });
  const issuer = await db.delete(issuerKeys).where(lte(issuerKeys.acceptedUntil, now)).returning({ id: issuerKeys.tokenKeyId });
  const ohttp = await db.delete(ohttpKeys).where(and(isNotNull(ohttpKeys.retiredAt), lte(ohttpKeys.acceptedUntil, now))).returning({ id: ohttpKeys.keyId });
  const oprf = await purgeRetiredOprfKeys(db, now);
  return { spent: spent.length, keys: issuer.length + ohttp.length + oprf };
}
