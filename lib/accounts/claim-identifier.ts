import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, mappings, passkeys } from "@/db/schema";
import { recordAudit } from "@/lib/audit/record-audit";
import { IdentifierLockedError } from "@/lib/identifier-locks/identifier-locked-error";
import { findStandingLock } from "@/lib/identifier-locks/find-standing-lock";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { recordNotice, type Notice } from "@/lib/notifications/notify";
import { removeMappings } from "@/lib/removals/remove-mappings";
import { queueReassignment } from "@/lib/federation/queue-reassignment";

/** The identifier a code just proved, as its challenge recorded it. */
export type ProvenIdentifier = { uri: string; lineType: string | null };

/**
 * Records that `userId` proved ownership of the identifier just now. A fresh proof wins: if another account held the
 * identifier (a recycled number or address), it moves here, the previous holder's mappings of it are removed at once
 * with signed tombstones, and the previous holder is told, without learning who proved it. Both ways a new holder
 * arrives take this path: adding the identifier on their account, and "I am the new holder" after a code sign-in.
 * A standing CSIP lock on the identifier refuses the move (IdentifierLockedError) and so the whole transaction.
 */
export async function claimIdentifier(
  tx: Database,
  options: { userId: string; identifier: ProvenIdentifier; now: Date; issuer: string; sealingKey: Buffer },
): Promise<Notice | null> {
  const { userId, identifier, now } = options;
  const [previous] = await tx
    .select({ id: identifiers.id, userId: identifiers.userId })
    .from(identifiers)
    .where(and(eq(identifiers.uri, identifier.uri), ne(identifiers.userId, userId)))
    .for("update");
  if (previous) {
    const lock = await findStandingLock(tx, identifier.uri);
    if (lock) throw new IdentifierLockedError(lock.reason, identifier.uri.startsWith("tel:") ? "tel" : "mailto");
  }
  await tx
    .insert(identifiers)
    .values({
      uri: identifier.uri,
      kind: identifier.uri.startsWith("tel:") ? "tel" : "mailto",
      lineType: identifier.lineType,
      userId,
      verifiedAt: now,
    })
    .onConflictDoUpdate({ target: identifiers.uri, set: { userId, verifiedAt: now, lineType: sql`excluded.line_type` } });
  if (!previous) return null;
  // A passkey of the identifier's own (it signed that identifier's mappings only) goes with it, as it does when a
  // CSIP releases the identifier: it would otherwise point at the new holder's identifier.
  const ownKeys = await tx
    .delete(passkeys)
    .where(and(eq(passkeys.userId, previous.userId), eq(passkeys.identifierId, previous.id)))
    .returning({ id: passkeys.id, name: passkeys.name });
  for (const key of ownKeys) {
    await recordAudit(tx, { at: now, actorUserId: previous.userId, actorKind: "system", action: "passkey.removed", subjectType: "passkey", subjectId: key.id, details: { name: key.name, reason: "new_holder" } });
  }
  const stale = await tx
    .select({ id: mappings.id })
    .from(mappings)
    .where(and(eq(mappings.csi, identifier.uri), eq(mappings.userId, previous.userId), eq(mappings.status, "active")));
  if (stale.length > 0) {
    await removeMappings({
      tx,
      mappingIds: stale.map((row) => row.id),
      actor: { kind: "system" },
      reason: "new_holder",
      issuer: options.issuer,
      key: await loadActiveSigningKey(tx, options.sealingKey),
      sealingKey: options.sealingKey,
      now,
    });
  }
  // Peers de-list what the previous holder left with them too: a statement signed here, sent by the outbox job.
  await queueReassignment(tx, { csi: identifier.uri, issuer: options.issuer, key: await loadActiveSigningKey(tx, options.sealingKey), now });
  const notice: Notice = {
    userId: previous.userId,
    kind: "identifier.taken_over",
    subject: "An identifier left your account",
    text: `Someone proved ownership of a phone number or email address that was on your account, so it moved to their account and its mappings were removed.${ownKeys.length > 0 ? " The passkey that signed for it alone was removed too." : ""} If it is still yours, add it again with a new code at ${options.issuer}/account.`,
  };
  await recordNotice(tx, notice, now);
  return notice;
}
