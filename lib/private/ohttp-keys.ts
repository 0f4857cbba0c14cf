import { generateKeyPairSync } from "node:crypto";
import { and, asc, gt, isNotNull, isNull, lte, or, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { ohttpKeys, type OhttpKeyRow } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { seal, unseal } from "@/lib/crypto/seal";
import { AEAD_AES_128_GCM, decodeBase64url, encodeKeyConfigs, KDF_HKDF_SHA256, KEM_X25519_HKDF_SHA256, type KeyConfig } from "@mimi-discovery/msp-kit";
import { importNodeGatewayKey, type NodeGatewayKey } from "./hpke-gateway";
import { KEY_CACHE_MS, OHTTP_KEY_GRACE_MS } from "./key-policy";

/**
 * The gateway's OHTTP keys (RFC 9458 section 3): X25519, HKDF-SHA256, AES-128-GCM. They live in the database,
 * sealed, so every instance opens every request; rotation retires the active key, which stays accepted for
 * OHTTP_KEY_GRACE_MS while clients pick up the new configuration.
 */
const LOCK = sql`select pg_advisory_xact_lock(hashtextextended('mimi.ohttp-key', 0))`;

export type OhttpKeyState = { keyId: number; createdAt: Date; retiredAt: Date | null; acceptedUntil: Date | null };

function configOf(row: Pick<OhttpKeyRow, "keyId" | "publicKey">): KeyConfig {
  return { keyId: row.keyId, kemId: KEM_X25519_HKDF_SHA256, publicKey: decodeBase64url(row.publicKey), algorithms: [{ kdfId: KDF_HKDF_SHA256, aeadId: AEAD_AES_128_GCM }] };
}

function acceptedAt(now: Date) {
  return or(isNull(ohttpKeys.retiredAt), gt(ohttpKeys.acceptedUntil, now));
}

async function insertKey(tx: Database, sealingKey: Buffer, now: Date): Promise<number> {
  const used = new Set((await tx.select({ keyId: ohttpKeys.keyId }).from(ohttpKeys)).map((row) => row.keyId));
  // Ids are one byte: the first free one after the newest, so a client never mistakes a new key for an old one.
  const newest = Math.max(-1, ...used);
  const keyId = Array.from({ length: 256 }, (_, step) => (newest + 1 + step) % 256).find((candidate) => !used.has(candidate));
  if (keyId === undefined) throw new Error("all 256 OHTTP key ids are in use");
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const jwk = privateKey.export({ format: "jwk" });
  await tx.insert(ohttpKeys).values({
    keyId,
    publicKey: publicKey.export({ format: "jwk" }).x!,
    sealedPrivateKey: seal(sealingKey, jwk.d!),
    createdAt: now,
  });
  return keyId;
}

/** Makes sure an active key exists (at start); two instances starting at once create one. */
export async function ensureOhttpKey(db: Database, sealingKey: Buffer, now = new Date()): Promise<number> {
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const [active] = await tx.select({ keyId: ohttpKeys.keyId }).from(ohttpKeys).where(isNull(ohttpKeys.retiredAt));
    return active ? active.keyId : insertKey(tx, sealingKey, now);
  });
}

/** `npm run keys:rotate -- --ohttp`: retire the active key (accepted for the grace period), make a new one, forget expired ones. */
export async function rotateOhttpKey(db: Database, sealingKey: Buffer, now: Date, actor: { userId: string | null } = { userId: null }): Promise<{ retired: number[]; created: number; removed: number[] }> {
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const removed = await tx
      .delete(ohttpKeys)
      .where(and(isNotNull(ohttpKeys.retiredAt), lte(ohttpKeys.acceptedUntil, now)))
      .returning({ keyId: ohttpKeys.keyId });
    const retired = await tx
      .update(ohttpKeys)
      .set({ retiredAt: now, acceptedUntil: new Date(now.getTime() + OHTTP_KEY_GRACE_MS) })
      .where(isNull(ohttpKeys.retiredAt))
      .returning({ keyId: ohttpKeys.keyId });
    const created = await insertKey(tx, sealingKey, now);
    const result = { retired: retired.map((row) => row.keyId), created, removed: removed.map((row) => row.keyId) };
    await recordAudit(tx, { at: now, actorUserId: actor.userId, actorKind: actor.userId ? "operator" : "system", action: "ohttp_key.rotated", subjectType: "ohttp_key", subjectId: String(created), details: result });
    return result;
  });
}

/** Every key still accepted, the active one first: the order of `application/ohttp-keys` is the gateway's preference. */
export async function listOhttpKeys(db: Database, now: Date): Promise<OhttpKeyState[]> {
  return db
    .select({ keyId: ohttpKeys.keyId, createdAt: ohttpKeys.createdAt, retiredAt: ohttpKeys.retiredAt, acceptedUntil: ohttpKeys.acceptedUntil })
    .from(ohttpKeys)
    .where(acceptedAt(now))
    .orderBy(sql`${ohttpKeys.retiredAt} is not null`, asc(ohttpKeys.acceptedUntil));
}

/** The `application/ohttp-keys` document of GET /.well-known/ohttp-gateway. */
export async function publishedKeyConfigs(db: Database, now: Date): Promise<Uint8Array> {
  const rows = await db
    .select({ keyId: ohttpKeys.keyId, publicKey: ohttpKeys.publicKey })
    .from(ohttpKeys)
    .where(acceptedAt(now))
    .orderBy(sql`${ohttpKeys.retiredAt} is not null`, asc(ohttpKeys.acceptedUntil));
  return encodeKeyConfigs(rows.map(configOf));
}

type Loaded = { at: number; keys: Map<number, NodeGatewayKey & { acceptedUntil: Date | null }> };
const loaded = new WeakMap<Database, Loaded>();

async function load(db: Database, sealingKey: Buffer, now: Date): Promise<Loaded> {
  const rows = await db.select().from(ohttpKeys).where(acceptedAt(now));
  const keys = new Map<number, NodeGatewayKey & { acceptedUntil: Date | null }>();
  for (const row of rows) {
    const key = importNodeGatewayKey(configOf(row), decodeBase64url(unseal(sealingKey, row.sealedPrivateKey)));
    keys.set(row.keyId, { ...key, acceptedUntil: row.retiredAt ? row.acceptedUntil : null });
  }
  const entry = { at: Date.now(), keys };
  loaded.set(db, entry);
  return entry;
}

/**
 * The gateway's key for a key id, or undefined when no accepted key has it. Keys are cached for KEY_CACHE_MS; an id
 * the cache does not know is looked up in the database at once, so a key made by another instance works at once.
 */
export async function findGatewayKey(db: Database, sealingKey: Buffer, keyId: number, now: Date): Promise<NodeGatewayKey | undefined> {
  let entry = loaded.get(db);
  if (!entry || Date.now() - entry.at > KEY_CACHE_MS || !entry.keys.has(keyId)) entry = await load(db, sealingKey, now);
  const key = entry.keys.get(keyId);
  if (!key || (key.acceptedUntil && key.acceptedUntil <= now)) return undefined;
  return key;
}

/** For tests and the rotation command: what an instance has cached is dropped. */
export function forgetLoadedOhttpKeys(db: Database): void {
  loaded.delete(db);
}

