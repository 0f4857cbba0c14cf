import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { identifiers, type OtpChallenge } from "../../db/schema";

/**
 * Records that `userId` proved ownership of the challenge's identifier just now. A fresh proof wins: if another
 * account held the identifier (a recycled number or address), it moves here.
 */
export async function claimIdentifier(tx: Database, userId: string, challenge: OtpChallenge, now: Date): Promise<void> {
  await tx
    .insert(identifiers)
    .values({
      uri: challenge.identifier,
      kind: challenge.identifier.startsWith("tel:") ? "tel" : "mailto",
      lineType: challenge.lineType,
      userId,
      verifiedAt: now,
    })
    .onConflictDoUpdate({
      target: identifiers.uri,
      set: { userId, verifiedAt: now, lineType: sql`excluded.line_type` },
    });
}
