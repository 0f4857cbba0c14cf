import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifierLocks, type IdentifierLock, type IdentifierLockReason } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { authorityOver } from "@/lib/csip/authority-over";
import { OUTSIDE_AUTHORITY } from "@/lib/removals/apply-csip-removals";

export type LockOutcome = { ok: true; lock: IdentifierLock; changed: "locked" | "reason_changed" | "unchanged" } | { ok: false; code: "outside_authority"; message: string };

/**
 * A CSIP locks one of its identifiers against a change of holder (lib/accounts/claim-identifier.ts refuses moves while
 * it stands). Only inside the CSIP's authority. The answer is the same whether or not anyone here holds the
 * identifier: a CSIP learns nothing about the DP's recipients from it. Locking again changes the reason.
 */
export async function lockIdentifier(options: {
  db: Database;
  csipId: string;
  userId: string;
  csi: string;
  reason: IdentifierLockReason;
  now: Date;
}): Promise<LockOutcome> {
  const { db, csipId, userId, csi, reason, now } = options;
  return withTransaction(db, async (tx) => {
    const authority = await authorityOver(tx, csi);
    if (authority.csipId !== csipId) return { ok: false, code: "outside_authority", message: OUTSIDE_AUTHORITY.detail };
    const [before] = await tx
      .select()
      .from(identifierLocks)
      .where(and(eq(identifierLocks.csi, csi), eq(identifierLocks.csipId, csipId), isNull(identifierLocks.liftedAt)))
      .for("update");
    if (before?.reason === reason) return { ok: true, lock: before, changed: "unchanged" };
    // Two admins locking at once meet at the standing-lock index: the second changes the first one's reason.
    const [lock] = await tx
      .insert(identifierLocks)
      .values({ csi, csipId, reason, lockedAt: now, lockedBy: userId })
      .onConflictDoUpdate({
        target: [identifierLocks.csi, identifierLocks.csipId],
        targetWhere: sql`${identifierLocks.liftedAt} is null`,
        set: { reason, lockedAt: now, lockedBy: userId },
      })
      .returning();
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorKind: "csip",
      action: "identifier.locked",
      // A CSIP's act, not the admin's own account's: kept out of their personal history (subject "identifier"). The
      // identifier itself is on the lock's row only.
      subjectType: "identifier_lock",
      subjectId: lock!.id,
      details: { csip: csipId, reason },
    });
    return { ok: true, lock: lock!, changed: before ? "reason_changed" : "locked" };
  });
}

/** Lifts one of the CSIP's standing locks; false when it is not the CSIP's or was already lifted. */
export async function liftLock(options: { db: Database; csipId: string; userId: string; lockId: string; now: Date }): Promise<boolean> {
  const { db, csipId, userId, lockId, now } = options;
  return withTransaction(db, async (tx) => {
    const [lifted] = await tx
      .update(identifierLocks)
      .set({ liftedAt: now, liftedBy: userId })
      .where(and(eq(identifierLocks.id, lockId), eq(identifierLocks.csipId, csipId), isNull(identifierLocks.liftedAt)))
      .returning({ id: identifierLocks.id, reason: identifierLocks.reason });
    if (!lifted) return false;
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorKind: "csip",
      action: "identifier.lock_lifted",
      subjectType: "identifier_lock",
      subjectId: lifted.id,
      details: { csip: csipId, reason: lifted.reason },
    });
    return true;
  });
}

/** The CSIP's standing locks, newest first. They are its own identifiers: listing them tells it nothing new. */
export async function listLocks(db: Database, csipId: string, limit = 200) {
  return db
    .select({ id: identifierLocks.id, csi: identifierLocks.csi, reason: identifierLocks.reason, lockedAt: identifierLocks.lockedAt })
    .from(identifierLocks)
    .where(and(eq(identifierLocks.csipId, csipId), isNull(identifierLocks.liftedAt)))
    .orderBy(desc(identifierLocks.lockedAt))
    .limit(limit);
}
