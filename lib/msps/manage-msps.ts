import { announceKeyChange } from "@/lib/api-keys/announce-key-change";
import { and, asc, count, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { isUniqueViolation } from "@/db/errors";
import { apiKeys, msps } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import type { MspInput, MspLimitsInput } from "@/lib/validations/msp";

export async function listMsps(db: Database) {
  return db
    .select({
      id: msps.id,
      displayName: msps.displayName,
      contact: msps.contact,
      lookupBurst: msps.lookupBurst,
      lookupRefillPerSecond: msps.lookupRefillPerSecond,
      deletedAt: msps.deletedAt,
      activeKeys: count(apiKeys.id),
    })
    .from(msps)
    .leftJoin(apiKeys, and(eq(apiKeys.mspId, msps.id), isNull(apiKeys.revokedAt)))
    .groupBy(msps.id)
    .orderBy(asc(msps.displayName));
}

export async function findMsp(db: Database, id: string) {
  const [row] = await db.select().from(msps).where(eq(msps.id, id));
  return row ?? null;
}

type OperatorAction = { db: Database; operatorUserId: string; now: Date };

export async function createMsp(options: OperatorAction & { input: MspInput & MspLimitsInput }): Promise<"created" | "taken"> {
  const { db, operatorUserId, now, input } = options;
  try {
    await withTransaction(db, async (tx) => {
      await tx.insert(msps).values({
        id: input.id,
        displayName: input.displayName,
        contact: input.contact ?? null,
        lookupBurst: input.lookupBurst,
        lookupRefillPerSecond: input.lookupRefillPerSecond,
        createdAt: now,
      });
      await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "msp.created", subjectType: "msp", subjectId: input.id, details: { ...input } });
    });
    return "created";
  } catch (error) {
    if (isUniqueViolation(error)) return "taken";
    throw error;
  }
}

export async function updateMsp(options: OperatorAction & { id: string; input: Omit<MspInput, "id"> & MspLimitsInput }): Promise<boolean> {
  const { db, operatorUserId, now, id, input } = options;
  return withTransaction(db, async (tx) => {
    const [updated] = await tx
      .update(msps)
      .set({ displayName: input.displayName, contact: input.contact ?? null, lookupBurst: input.lookupBurst, lookupRefillPerSecond: input.lookupRefillPerSecond })
      .where(and(eq(msps.id, id), isNull(msps.deletedAt)))
      .returning({ id: msps.id });
    if (!updated) return false;
    announceKeyChange(tx, `msp:${id}`);
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "msp.updated", subjectType: "msp", subjectId: id, details: { ...input } });
    return true;
  });
}

/** Removes an MSP from the registry: its keys stop working at once; the id stays reserved. */
export async function deleteMsp(options: OperatorAction & { id: string }): Promise<boolean> {
  const { db, operatorUserId, now, id } = options;
  return withTransaction(db, async (tx) => {
    const [deleted] = await tx.update(msps).set({ deletedAt: now }).where(and(eq(msps.id, id), isNull(msps.deletedAt))).returning({ id: msps.id });
    if (!deleted) return false;
    announceKeyChange(tx, `msp:${id}`);
    await tx.update(apiKeys).set({ revokedAt: now }).where(and(eq(apiKeys.mspId, id), isNull(apiKeys.revokedAt)));
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "msp.deleted", subjectType: "msp", subjectId: id });
    return true;
  });
}

/**
 * Records which CSIP operates this MSP (a telco's own messaging app), or none. A port-out by that CSIP withdraws
 * mappings that list this MSP, as the interim slides' portability table says.
 */
export async function setMspOperatorCsip(options: OperatorAction & { id: string; csipId: string | null }): Promise<boolean> {
  const { db, operatorUserId, now, id, csipId } = options;
  return withTransaction(db, async (tx) => {
    const [updated] = await tx.update(msps).set({ operatorCsipId: csipId }).where(and(eq(msps.id, id), isNull(msps.deletedAt))).returning({ id: msps.id });
    if (!updated) return false;
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "msp.operator_set", subjectType: "msp", subjectId: id, details: { csip: csipId } });
    return true;
  });
}
