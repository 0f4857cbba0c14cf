import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifierLocks, type IdentifierLock } from "@/db/schema";
import { authorityOver } from "@/lib/csip/authority-over";

/**
 * The lock that holds on this identifier now, if any: not lifted, and set by the CSIP that has authority over the
 * identifier today. A lock left by a CSIP the number was ported away from, or whose claim was revoked, no longer
 * holds: the identifier is not that CSIP's to protect.
 */
export async function findStandingLock(db: Database, csi: string): Promise<IdentifierLock | null> {
  const locks = await db.select().from(identifierLocks).where(and(eq(identifierLocks.csi, csi), isNull(identifierLocks.liftedAt)));
  // Locks are rare: most identifiers end here, without reading the claims.
  if (locks.length === 0) return null;
  const { csipId } = await authorityOver(db, csi);
  return locks.find((lock) => lock.csipId === csipId) ?? null;
}
