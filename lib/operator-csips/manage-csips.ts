import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { csipClaims, csipMembers, csips, identifiers } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { IdentifierError, parseIdentifier } from "@mimi-discovery/msp-kit";

type OperatorAction = { db: Database; operatorUserId: string; now: Date };

export async function listCsips(db: Database) {
  return db
    .select({ id: csips.id, name: csips.name, contact: csips.contact, members: count(csipMembers.userId) })
    .from(csips)
    .leftJoin(csipMembers, eq(csipMembers.csipId, csips.id))
    .where(isNull(csips.deletedAt))
    .groupBy(csips.id)
    .orderBy(asc(csips.name));
}

export async function createCsip(options: OperatorAction & { name: string; contact?: string | undefined }): Promise<string> {
  const { db, operatorUserId, now } = options;
  return withTransaction(db, async (tx) => {
    const [row] = await tx.insert(csips).values({ name: options.name, contact: options.contact ?? null, createdAt: now }).returning({ id: csips.id });
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "csip.created", subjectType: "csip", subjectId: row!.id, details: { name: options.name } });
    return row!.id;
  });
}

export async function findCsip(db: Database, id: string) {
  if (!/^[0-9a-f-]{36}$/u.test(id)) return null;
  const [row] = await db.select().from(csips).where(and(eq(csips.id, id), isNull(csips.deletedAt)));
  return row ?? null;
}

export async function listCsipMembers(db: Database, csipId: string) {
  return db
    .select({ userId: csipMembers.userId, addedAt: csipMembers.addedAt, uri: identifiers.uri })
    .from(csipMembers)
    .leftJoin(identifiers, eq(identifiers.userId, csipMembers.userId))
    .where(eq(csipMembers.csipId, csipId));
}

export type AddMemberOutcome = { ok: true } | { ok: false; field: "identifier"; message: string };

/**
 * Makes the person holding a verified identifier an admin of the CSIP. They must have signed in once (proved
 * the identifier): the role goes to a proven person, never to an address typed by the operator.
 */
export async function addCsipMember(options: OperatorAction & { csipId: string; identifier: string }): Promise<AddMemberOutcome> {
  const { db, operatorUserId, now, csipId } = options;
  let uri: string;
  try {
    uri = parseIdentifier(options.identifier).uri;
  } catch (error) {
    if (error instanceof IdentifierError) return { ok: false, field: "identifier", message: error.message };
    throw error;
  }
  return withTransaction(db, async (tx) => {
    const [holder] = await tx.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, uri));
    if (!holder) return { ok: false, field: "identifier", message: "Nobody has proven this identifier yet. Ask them to sign in once with it, then add them." };
    await tx.insert(csipMembers).values({ csipId, userId: holder.userId, addedAt: now }).onConflictDoNothing();
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "csip.member_added", subjectType: "csip", subjectId: csipId });
    return { ok: true };
  });
}

export async function listClaimsForReview(db: Database) {
  return db
    .select({ id: csipClaims.id, csipId: csipClaims.csipId, csipName: csips.name, kind: csipClaims.kind, value: csipClaims.value, status: csipClaims.status, createdAt: csipClaims.createdAt })
    .from(csipClaims)
    .innerJoin(csips, eq(csips.id, csipClaims.csipId))
    .orderBy(asc(csipClaims.status), asc(csipClaims.createdAt));
}

/** Approves or rejects a pending claim. The database refuses a second approved holder of the same value. */
export async function decideClaim(options: OperatorAction & { claimId: string; decision: "approved" | "rejected" }): Promise<"done" | "not_pending" | "held_by_other"> {
  const { db, operatorUserId, now, claimId, decision } = options;
  if (!/^[0-9a-f-]{36}$/u.test(claimId)) return "not_pending";
  try {
    return await withTransaction(db, async (tx) => {
      const [decided] = await tx
        .update(csipClaims)
        .set({ status: decision, decidedAt: now, decidedBy: operatorUserId })
        .where(and(eq(csipClaims.id, claimId), eq(csipClaims.status, "pending")))
        .returning({ csipId: csipClaims.csipId, kind: csipClaims.kind, value: csipClaims.value });
      if (!decided) return "not_pending";
      await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: `claim.${decision}`, subjectType: "csip", subjectId: decided.csipId, details: { kind: decided.kind, value: decided.value } });
      return "done";
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "held_by_other";
    throw error;
  }
}
