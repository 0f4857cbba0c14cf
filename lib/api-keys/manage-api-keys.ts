import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { apiKeys, csips, msps } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { announceKeyChange } from "./announce-key-change";
import { generateApiKey, hashApiKey, looksLikeApiKey } from "./api-key-format";

/** Issues a key for an MSP. The full key is returned once and never stored. */
export async function issueMspApiKey(options: { db: Database; mspId: string; label: string; operatorUserId: string; now: Date }) {
  const { db, mspId, label, operatorUserId, now } = options;
  const { key, prefix, hash } = generateApiKey("msp");
  const row = await withTransaction(db, async (tx) => {
    const [msp] = await tx.select({ id: msps.id }).from(msps).where(and(eq(msps.id, mspId), isNull(msps.deletedAt)));
    if (!msp) return null;
    const [created] = await tx
      .insert(apiKeys)
      .values({ ownerKind: "msp", mspId, label, prefix, keyHash: hash, createdAt: now, createdBy: operatorUserId })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "api_key.issued", subjectType: "msp", subjectId: mspId, details: { prefix, label } });
    return created!;
  });
  return row && { id: row.id, key, prefix };
}

export async function revokeApiKey(options: { db: Database; keyId: string; operatorUserId: string; now: Date }): Promise<boolean> {
  const { db, keyId, operatorUserId, now } = options;
  if (!/^[0-9a-f-]{36}$/u.test(keyId)) return false;
  return withTransaction(db, async (tx) => {
    const [revoked] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
      .returning({ prefix: apiKeys.prefix, mspId: apiKeys.mspId });
    if (!revoked) return false;
    announceKeyChange(tx, `key:${keyId}`);
    await recordAudit(tx, { at: now, actorUserId: operatorUserId, actorKind: "operator", action: "api_key.revoked", subjectType: "msp", subjectId: revoked.mspId ?? "", details: { prefix: revoked.prefix } });
    return true;
  });
}

export async function listMspApiKeys(db: Database, mspId: string) {
  return db
    .select({ id: apiKeys.id, label: apiKeys.label, prefix: apiKeys.prefix, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.mspId, mspId))
    .orderBy(desc(apiKeys.createdAt));
}

export type AuthenticatedKey =
  | { ownerKind: "msp"; keyId: string; mspId: string; policy: { burst: number; refillPerSecond: number } }
  | { ownerKind: "csip"; keyId: string; csipId: string };

/**
 * Finds the owner of a bearer key by the key's hash: a live key of a live owner. One answer (null) for every
 * failure, so a caller learns nothing about which keys exist, were revoked or belong to a deleted MSP.
 */
export async function authenticateApiKey(db: Database, token: string): Promise<AuthenticatedKey | null> {
  if (!looksLikeApiKey(token)) return null;
  return findApiKeyByHash(db, hashApiKey(token));
}

/** authenticateApiKey's query, by the stored hash: what the key cache loads on a miss (key-authenticator.ts). */
export async function findApiKeyByHash(db: Database, hash: string): Promise<AuthenticatedKey | null> {
  const [row] = await keyQueryFor(db).execute({ hash });
  if (!row) return null;
  if (row.ownerKind === "csip") return row.csipId && !row.csipDeletedAt ? { ownerKind: "csip", keyId: row.keyId, csipId: row.csipId } : null;
  if (!row.mspId || row.mspDeletedAt || row.burst === null || row.refill === null) return null;
  return { ownerKind: "msp", keyId: row.keyId, mspId: row.mspId, policy: { burst: row.burst, refillPerSecond: row.refill } };
}

function buildKeyQuery(db: Database) {
  return db
    .select({
      keyId: apiKeys.id,
      ownerKind: apiKeys.ownerKind,
      mspId: msps.id,
      mspDeletedAt: msps.deletedAt,
      burst: msps.lookupBurst,
      refill: msps.lookupRefillPerSecond,
      csipId: csips.id,
      csipDeletedAt: csips.deletedAt,
    })
    .from(apiKeys)
    .leftJoin(msps, eq(apiKeys.mspId, msps.id))
    .leftJoin(csips, eq(apiKeys.csipId, csips.id))
    .where(and(eq(apiKeys.keyHash, sql.placeholder("hash")), isNull(apiKeys.revokedAt)))
    .prepare("api_key_by_hash");
}

// Prepared once per database: every API request runs it, and planning it cost ten times its execution.
const keyQueries = new WeakMap<Database, ReturnType<typeof buildKeyQuery>>();

function keyQueryFor(db: Database) {
  let query = keyQueries.get(db);
  if (!query) keyQueries.set(db, (query = buildKeyQuery(db)));
  return query;
}
