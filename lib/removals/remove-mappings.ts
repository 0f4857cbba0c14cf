import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings, tombstones } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record-audit";
import type { ActiveSigningKey } from "@/lib/keys/signing-keys";
import { afterCommit } from "@/db/after-commit";
import { getMetrics } from "@/lib/metrics/metrics";
import { lockCsis, writeRecords } from "@/lib/private/write-records";

export const TOMBSTONE_JWS_TYPE = "mimi-tombstone+jwt";

export type RemovalActor =
  | { kind: "recipient"; userId: string }
  | { kind: "csip"; csipId: string }
  | { kind: "system" };

export type RemovalReason = (typeof tombstones.$inferInsert)["reason"];

/**
 * Takes mappings out of service for good: each active one becomes `removed` and gets a DP-signed tombstone
 * (which mapping, of which CSI, by whom, why, when) and an audit row, inside the caller's transaction so the
 * removal and its record commit together, with the CSIs' private-lookup records rewritten. Returns the ids actually removed (already-ended ones are skipped).
 */
export async function removeMappings(options: {
  tx: Database;
  mappingIds: string[];
  actor: RemovalActor;
  reason: RemovalReason;
  issuer: string;
  key: ActiveSigningKey;
  /** Unseals the OPRF keys: the CSIs' private-lookup records are rewritten in the same transaction. */
  sealingKey: Buffer;
  now: Date;
}): Promise<{ id: string; csi: string; userId: string }[]> {
  const { tx, actor, reason, now } = options;
  if (options.mappingIds.length === 0) return [];
  // The CSIs' locks before any row lock, in the order publishMapping takes them, so the records written below are
  // built from every change committed before ours.
  const targets = await tx.selectDistinct({ csi: mappings.csi }).from(mappings).where(inArray(mappings.id, options.mappingIds));
  await lockCsis(tx, targets.map((row) => row.csi));
  const removed = await tx
    .update(mappings)
    .set({ status: "removed", endedAt: now, endedReason: reason })
    .where(and(inArray(mappings.id, options.mappingIds), eq(mappings.status, "active")))
    .returning({ id: mappings.id, csi: mappings.csi, userId: mappings.userId });
  for (const mapping of removed) {
    const csipId = actor.kind === "csip" ? actor.csipId : null;
    const signature = await options.key.signAs(TOMBSTONE_JWS_TYPE, {
      iss: options.issuer,
      sub: mapping.csi,
      mapping_id: mapping.id,
      removed_by: actor.kind,
      ...(csipId ? { csip: csipId } : {}),
      reason,
      iat: Math.floor(now.getTime() / 1000),
    });
    await tx.insert(tombstones).values({ mappingId: mapping.id, csi: mapping.csi, removedBy: actor.kind, csipId, reason, removedAt: now, signature });
    await recordAudit(tx, {
      at: now,
      actorUserId: actor.kind === "recipient" ? actor.userId : mapping.userId,
      actorKind: actor.kind,
      action: "mapping.removed",
      subjectType: "mapping",
      subjectId: mapping.id,
      details: { reason, ...(csipId ? { csip: csipId } : {}) },
    });
  }
  await writeRecords(tx, { sealingKey: options.sealingKey, csis: removed.map((mapping) => mapping.csi), now });
  // Counted once the removal commits: a rolled-back one removed nothing.
  if (removed.length > 0) afterCommit(tx, () => getMetrics().removals.inc({ by: actor.kind }, removed.length));
  return removed;
}
