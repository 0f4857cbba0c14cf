import { and, asc, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csipMembers, csips } from "@/db/schema";

export type Membership = { csipId: string; name: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/iu;

/** The CSIPs this account administers (a role per CSIP, granted by the operator); deleted CSIPs are gone. */
export async function listMemberships(db: Database, userId: string): Promise<Membership[]> {
  return db
    .select({ csipId: csips.id, name: csips.name })
    .from(csipMembers)
    .innerJoin(csips, eq(csips.id, csipMembers.csipId))
    .where(and(eq(csipMembers.userId, userId), isNull(csips.deletedAt)))
    .orderBy(asc(csips.name));
}

/**
 * This account's membership of one CSIP, or null: for a CSIP that does not exist, was deleted, or that the account
 * does not administer alike, so a caller cannot tell them apart. A malformed id is null before any query.
 */
export async function findMembership(db: Database, options: { userId: string; csipId: string }): Promise<Membership | null> {
  if (!UUID.test(options.csipId)) return null;
  const [row] = await db
    .select({ csipId: csips.id, name: csips.name })
    .from(csipMembers)
    .innerJoin(csips, eq(csips.id, csipMembers.csipId))
    .where(and(eq(csipMembers.userId, options.userId), eq(csipMembers.csipId, options.csipId.toLowerCase()), isNull(csips.deletedAt)));
  return row ?? null;
}
