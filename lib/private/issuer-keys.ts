import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { asc, desc, gt, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { issuerKeys, spentOnce, type IssuerKeyRow } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { seal, unseal } from "@/lib/crypto/seal";
import { decodeBase64url, encodeBase64url, encodeRsaPssSpki } from "@mimi-discovery/msp-kit";
import { ISSUER_KEY_EPOCH_MS, ISSUER_KEY_GRACE_MS, KEY_CACHE_MS } from "./key-policy";

/**
 * The Privacy Pass issuer's keys (RFC 9578 section 6.5): 2048-bit RSA, one per epoch of ISSUER_KEY_EPOCH_MS. The
 * key of the current epoch issues; earlier ones are still redeemed for ISSUER_KEY_GRACE_MS after their epoch ends.
 * The next epoch's key is made by the first instance that needs one (under a lock), or early by
 * `npm run keys:rotate -- --issuer`.
 */
const LOCK = sql`select pg_advisory_xact_lock(hashtextextended('mimi.issuer-key', 0))`;

export type IssuerKey = {
  tokenKeyId: Uint8Array;
  tokenKeyIdHex: string;
  truncatedKeyId: number;
  /** The SPKI the directory publishes; its SHA-256 is tokenKeyId. */
  spki: Uint8Array;
  /** An "rsa" key object: node:crypto's raw RSA (no padding) signs blinded messages with it. */
  privateKey: KeyObject;
  publicKey: KeyObject;
  modulus: bigint;
  issuesUntil: Date;
  acceptedUntil: Date;
};

export type IssuerKeyState = Pick<IssuerKey, "tokenKeyIdHex" | "truncatedKeyId" | "issuesUntil" | "acceptedUntil"> & { createdAt: Date };

async function insertKey(tx: Database, sealingKey: Buffer, now: Date): Promise<string> {
  const live = await tx.select({ truncated: issuerKeys.truncatedKeyId }).from(issuerKeys).where(gt(issuerKeys.acceptedUntil, now));
  const taken = new Set(live.map((row) => row.truncated));
  // RFC 9578 section 6.5: a new key's truncated id should not collide with a key still in rotation.
  for (;;) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicExponent: 65537 });
    const jwk = publicKey.export({ format: "jwk" });
    const spki = encodeRsaPssSpki({ n: BigInt(`0x${Buffer.from(jwk.n!, "base64url").toString("hex")}`), e: BigInt(`0x${Buffer.from(jwk.e!, "base64url").toString("hex")}`) });
    const tokenKeyId = createHash("sha256").update(spki).digest();
    if (taken.has(tokenKeyId[31]!)) continue;
    await tx.insert(issuerKeys).values({
      tokenKeyId: tokenKeyId.toString("hex"),
      truncatedKeyId: tokenKeyId[31]!,
      spki: encodeBase64url(spki),
      sealedPrivateKey: seal(sealingKey, privateKey.export({ format: "pem", type: "pkcs8" }) as string),
      createdAt: now,
      issuesUntil: new Date(now.getTime() + ISSUER_KEY_EPOCH_MS),
      acceptedUntil: new Date(now.getTime() + ISSUER_KEY_EPOCH_MS + ISSUER_KEY_GRACE_MS),
    });
    return tokenKeyId.toString("hex");
  }
}

/** Makes sure a key issues now (at start, and whenever an epoch has ended); concurrent callers make one. */
export async function ensureIssuerKey(db: Database, sealingKey: Buffer, now = new Date()): Promise<string> {
  const [current] = await db.select({ id: issuerKeys.tokenKeyId }).from(issuerKeys).where(gt(issuerKeys.issuesUntil, now)).limit(1);
  if (current) return current.id;
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const [issuing] = await tx.select({ id: issuerKeys.tokenKeyId }).from(issuerKeys).where(gt(issuerKeys.issuesUntil, now)).limit(1);
    return issuing ? issuing.id : insertKey(tx, sealingKey, now);
  });
}

/**
 * `npm run keys:rotate -- --issuer`: the issuing key stops issuing now and is redeemed for the grace period; a new
 * key issues. Keys past their grace period, and the spent tokens of those keys, are deleted.
 */
export async function rotateIssuerKey(db: Database, sealingKey: Buffer, now: Date, actor: { userId: string | null } = { userId: null }): Promise<{ retired: string[]; created: string; removed: string[] }> {
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const removed = await tx.delete(issuerKeys).where(lte(issuerKeys.acceptedUntil, now)).returning({ id: issuerKeys.tokenKeyId });
    await tx.delete(spentOnce).where(lte(spentOnce.expiresAt, now));
    const retired = await tx
      .update(issuerKeys)
      .set({ issuesUntil: now, acceptedUntil: sql`least(${issuerKeys.acceptedUntil}, ${new Date(now.getTime() + ISSUER_KEY_GRACE_MS).toISOString()}::timestamptz)` })
      .where(gt(issuerKeys.issuesUntil, now))
      .returning({ id: issuerKeys.tokenKeyId });
    const created = await insertKey(tx, sealingKey, now);
    const result = { retired: retired.map((row) => row.id), created, removed: removed.map((row) => row.id) };
    await recordAudit(tx, { at: now, actorUserId: actor.userId, actorKind: actor.userId ? "operator" : "system", action: "issuer_key.rotated", subjectType: "issuer_key", subjectId: created, details: result });
    return result;
  });
}

/** Every key still redeemed, the issuing one first (RFC 9578 section 4: the directory lists keys by preference). */
export async function listIssuerKeys(db: Database, now: Date): Promise<(IssuerKeyState & { spki: string })[]> {
  return db
    .select({
      tokenKeyIdHex: issuerKeys.tokenKeyId,
      truncatedKeyId: issuerKeys.truncatedKeyId,
      spki: issuerKeys.spki,
      createdAt: issuerKeys.createdAt,
      issuesUntil: issuerKeys.issuesUntil,
      acceptedUntil: issuerKeys.acceptedUntil,
    })
    .from(issuerKeys)
    .where(gt(issuerKeys.acceptedUntil, now))
    .orderBy(desc(issuerKeys.issuesUntil), asc(issuerKeys.createdAt));
}

function toIssuerKey(row: IssuerKeyRow, sealingKey: Buffer): IssuerKey {
  const privateKey = createPrivateKey(unseal(sealingKey, row.sealedPrivateKey));
  const publicKey = createPublicKey(privateKey);
  const spki = decodeBase64url(row.spki);
  return {
    tokenKeyId: Buffer.from(row.tokenKeyId, "hex"),
    tokenKeyIdHex: row.tokenKeyId,
    truncatedKeyId: row.truncatedKeyId,
    spki,
    privateKey,
    publicKey,
    modulus: BigInt(`0x${Buffer.from(publicKey.export({ format: "jwk" }).n!, "base64url").toString("hex")}`),
    issuesUntil: row.issuesUntil,
    acceptedUntil: row.acceptedUntil,
  };
}

type Loaded = { at: number; keys: IssuerKey[] };
const loaded = new WeakMap<Database, Loaded>();

/**
 * The keys accepted now, cached for KEY_CACHE_MS. `missing` says whether the cache lacks what the caller needs (a
 * key id it has not seen, or no issuing key), so that another instance's new key is found at once.
 */
export async function loadIssuerKeys(db: Database, sealingKey: Buffer, now: Date, missing: (keys: IssuerKey[]) => boolean = () => false): Promise<IssuerKey[]> {
  const cached = loaded.get(db);
  const fresh = (keys: IssuerKey[]) => keys.filter((key) => key.acceptedUntil > now);
  if (cached && Date.now() - cached.at <= KEY_CACHE_MS && !missing(fresh(cached.keys))) return fresh(cached.keys);
  const rows = await db.select().from(issuerKeys).where(gt(issuerKeys.acceptedUntil, now)).orderBy(desc(issuerKeys.issuesUntil));
  const keys = rows.map((row) => toIssuerKey(row, sealingKey));
  loaded.set(db, { at: Date.now(), keys });
  return keys;
}

/** The key that issues now, making the next epoch's key when the last one's epoch has ended. */
export async function issuingKey(db: Database, sealingKey: Buffer, now: Date): Promise<IssuerKey> {
  const issuing = (keys: IssuerKey[]) => keys.find((key) => key.issuesUntil > now);
  let key = issuing(await loadIssuerKeys(db, sealingKey, now, (keys) => !issuing(keys)));
  if (!key) {
    await ensureIssuerKey(db, sealingKey, now);
    loaded.delete(db);
    key = issuing(await loadIssuerKeys(db, sealingKey, now));
  }
  if (!key) throw new Error("no issuer key issues now, even after making one");
  return key;
}

/**
 * The issuing key a TokenRequest names by its truncated id. After a rotation on another instance, this one's cache
 * may still hold the old key as issuing: the request's id is then looked up afresh rather than refused.
 */
export async function issuingKeyFor(db: Database, sealingKey: Buffer, now: Date, truncatedKeyId: number): Promise<IssuerKey | undefined> {
  const named = (keys: IssuerKey[]) => keys.find((key) => key.issuesUntil > now && key.truncatedKeyId === truncatedKeyId);
  const current = await issuingKey(db, sealingKey, now);
  if (current.truncatedKeyId === truncatedKeyId) return current;
  return named(await loadIssuerKeys(db, sealingKey, now, (keys) => !named(keys)));
}

export function forgetLoadedIssuerKeys(db: Database): void {
  loaded.delete(db);
}

/** For the directory: the key's bytes as the kit reads them. */
export function spkiBytes(spki: string): Uint8Array {
  return decodeBase64url(spki);
}
