import { and, eq, ne, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, mappings, type OtpChallenge } from "@/db/schema";
import { loadActiveSigningKey } from "@/lib/keys/signing-keys";
import { recordNotice, type Notice } from "@/lib/notifications/notify";
import { removeMappings } from "@/lib/removals/remove-mappings";

/**
 * Records that `userId` proved ownership of the challenge's identifier just now. A fresh proof wins: if another
 * account held the identifier (a recycled number or address), it moves here, the previous holder's mappings of
 * it are removed at once, and the previous holder is told, without learning who proved it.
 */
export async function claimIdentifier(
  tx: Database,
  options: { userId: string; challenge: OtpChallenge; now: Date; issuer: string; sealingKey: Buffer },
): Promise<Notice | null> {
  const { userId, challenge, now } = options;
  const [previous] = await tx
    .select({ userId: identifiers.userId })
    .from(identifiers)
    .where(and(eq(identifiers.uri, challenge.identifier), ne(identifiers.userId, userId)))
    .for("update");
  await tx
    .insert(identifiers)
    .values({
      uri: challenge.identifier,
      kind: challenge.identifier.startsWith("tel:") ? "tel" : "mailto",
      lineType: challenge.lineType,
      userId,
      verifiedAt: now,
    })
    .onConflictDoUpdate({ target: identifiers.uri, set: { userId, verifiedAt: now, lineType: sql`excluded.line_type` } });
  if (!previous) return null;
  const stale = await tx
    .select({ id: mappings.id })
    .from(mappings)
    .where(and(eq(mappings.csi, challenge.identifier), eq(mappings.userId, previous.userId), eq(mappings.status, "active")));
  if (stale.length > 0) {
    await removeMappings({
      tx,
      mappingIds: stale.map((row) => row.id),
      actor: { kind: "system" },
      reason: "new_holder",
      issuer: options.issuer,
      key: await loadActiveSigningKey(tx, options.sealingKey),
      now,
    });
  }
  const notice: Notice = {
    userId: previous.userId,
    kind: "identifier.taken_over",
    subject: "An identifier left your account",
    text: `Someone proved ownership of a phone number or email address that was on your account, so it moved to their account and its mappings were removed. If it is still yours, add it again with a new code at ${options.issuer}/account.`,
  };
  await recordNotice(tx, notice, now);
  return notice;
}
