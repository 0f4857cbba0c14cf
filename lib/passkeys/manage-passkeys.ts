import { and, asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { passkeys } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";

export async function listPasskeys(db: Database, userId: string) {
  return db
    .select({
      id: passkeys.id,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
      backupState: passkeys.backupState,
      identifierId: passkeys.identifierId,
    })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt));
}

/** Removes one of the account's passkeys with its audit row. The caller checks the session is fresh. */
export async function removePasskey(options: { db: Database; userId: string; passkeyId: string; now: Date }): Promise<boolean> {
  const { db, userId, passkeyId, now } = options;
  if (!/^[0-9a-f-]{36}$/u.test(passkeyId)) return false;
  return withTransaction(db, async (tx) => {
    const [removed] = await tx
      .delete(passkeys)
      .where(and(eq(passkeys.id, passkeyId), eq(passkeys.userId, userId)))
      .returning({ id: passkeys.id, name: passkeys.name });
    if (!removed) return false;
    await recordAudit(tx, {
      at: now,
      actorUserId: userId,
      actorKind: "recipient",
      action: "passkey.removed",
      subjectType: "passkey",
      subjectId: removed.id,
      details: { name: removed.name },
    });
    return true;
  });
}
