import { announceKeyChange } from "@/lib/api-keys/announce-key-change";
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, csips } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { generateApiKey } from "@/lib/api-keys/api-key-format";
import { recordAudit } from "@/lib/audit/record-audit";

/**
 * CSIP keys for POST /api/v1/csip/removals, managed by the CSIP's own admins: the same format and storage as MSP
 * keys (lib/api-keys), shown once and stored as a SHA-256 hash. Every function is scoped to one CSIP, so an admin
 * of one CSIP can neither see nor revoke another's keys, whatever key id it sends. The caller has already checked
 * that `userId` administers `csipId`.
 */
export async function issueCsipApiKey(options: { db: Database; csipId: string; label: string; userId: string; now: Date }) {
  const { db, csipId, label, userId, now } = options;
  const { key, prefix, hash } = generateApiKey("csip");
  const row = await withTransaction(db, async (tx) => {
    const [csip] = await tx.select({ id: csips.id }).from(csips).where(and(eq(csips.id, csipId), isNull(csips.deletedAt)));
    if (!csip) return null;
    const [created] = await tx
      .insert(apiKeys)
      .values({ ownerKind: "csip", csipId, label, prefix, keyHash: hash, createdAt: now, createdBy: userId })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { at: now, actorUserId: userId, actorKind: "csip", action: "api_key.issued", subjectType: "csip", subjectId: csipId, details: { prefix, label } });
    return created!;
  });
  return row && { id: row.id, key, prefix };
}

/** Revokes one of this CSIP's live keys; false when the id names no such key (another CSIP's, revoked, unknown). */
export async function revokeCsipApiKey(options: { db: Database; csipId: string; keyId: string; userId: string; now: Date }): Promise<boolean> {
  const { db, csipId, keyId, userId, now } = options;
  if (!/^[0-9a-f-]{36}$/iu.test(keyId)) return false;
  return withTransaction(db, async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, keyId), eq(apiKeys.ownerKind, "csip"), eq(apiKeys.csipId, csipId), isNull(apiKeys.revokedAt)))
      .returning({ prefix: apiKeys.prefix });
    if (!revoked) return false;
    announceKeyChange(tx, `key:${keyId}`);
    await recordAudit(tx, { at: now, actorUserId: userId, actorKind: "csip", action: "api_key.revoked", subjectType: "csip", subjectId: csipId, details: { prefix: revoked.prefix } });
    return true;
  });
}

export async function listCsipApiKeys(db: Database, csipId: string) {
  return db
    .select({ id: apiKeys.id, label: apiKeys.label, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(and(eq(apiKeys.ownerKind, "csip"), eq(apiKeys.csipId, csipId)))
    .orderBy(desc(apiKeys.createdAt));
}
