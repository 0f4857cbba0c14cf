import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { removeMappings } from "@/lib/removals/remove-mappings";

export type RemoveIdentifierOutcome = { ok: true; removedMappings: number } | { ok: false; reason: "not_found" | "last_identifier" };

/**
 * Removes one of the account's identifiers, and with it its active mappings (each with a signed tombstone, as any
 * removal by the recipient): an identifier the account no longer holds must not go on sending senders to it. Its
 * own passkey goes too (the foreign key cascades). The last identifier stays: without it the person could not sign
 * in again. The caller checks that the session is freshly authenticated.
 */
export async function removeIdentifier(options: {
  db: Database;
  userId: string;
  identifierId: string;
  issuer: string;
  sealingKey: Buffer;
  now: Date;
}): Promise<RemoveIdentifierOutcome> {
  const { db, userId, identifierId, now } = options;
  if (!/^[0-9a-f-]{36}$/u.test(identifierId)) return { ok: false, reason: "not_found" };
  return withTransaction(db, async (tx) => {
    // Lock the account's identifiers so two concurrent removals cannot each leave the other's as "the last".
    const owned = await tx
      .select({ id: identifiers.id })
      .from(identifiers)
      .where(eq(identifiers.userId, userId))
      .for("update");
    if (!owned.some((row) => row.id === identifierId)) return { ok: false, reason: "not_found" };
    if (owned.length <= 1) return { ok: false, reason: "last_identifier" };
    const [removed] = await tx
      .delete(identifiers)
      .where(and(eq(identifiers.id, identifierId), eq(identifiers.userId, userId)))
      .returning({ uri: identifiers.uri });
    const active = await tx
      .select({ id: mappings.id })
      .from(mappings)
      .where(and(eq(mappings.userId, userId), eq(mappings.csi, removed!.uri), eq(mappings.status, "active")));
    const ended =
      active.length === 0
        ? []
        : await removeMappings({
            tx,
            mappingIds: active.map((row) => row.id),
            actor: { kind: "recipient", userId },
            reason: "recipient",
            issuer: options.issuer,
            key: await loadActiveSigningKey(tx, options.sealingKey),
            sealingKey: options.sealingKey,
            now,
          });
    await recordAudit(tx, { at: now, actorUserId: userId, actorKind: "recipient", action: "identifier.removed", subjectType: "identifier", subjectId: removed!.uri });
    return { ok: true, removedMappings: ended.length };
  });
}
