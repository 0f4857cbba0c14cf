import { asc, desc, eq, gt, inArray, isNull, lte, or, and, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { oprfKeys, type OprfKeyState } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";
import { seal, unseal } from "@/lib/crypto/seal";
import { decodeBase64url, encodeBase64url, generateOprfKeyPair } from "@mimi-discovery/msp-kit";
import { KEY_CACHE_MS, OPRF_KEY_GRACE_MS } from "./key-policy";

/**
 * The DP's OPRF keys (protocol section 7), sealed at rest like its other private keys. A new key starts `building`:
 * write-time changes reach its records at once and a background job (build-oprf-records.ts) writes the rest; once
 * complete it becomes `active` and the previous key `retiring`, answering for OPRF_KEY_GRACE_MS more. The first key
 * of a DP is built the same way, so a DP upgraded with mappings already stored gets their records.
 */
const LOCK = sql`select pg_advisory_xact_lock(hashtextextended('mimi.oprf-key', 0))`;

export type OprfKey = { epoch: number; state: OprfKeyState; publicKey: Uint8Array; secretKey: Uint8Array; acceptedUntil: Date | null };
export type PublishedOprfKey = { epoch: number; state: OprfKeyState; publicKey: string };

/** Live keys: building, active, or retiring within their grace period. */
function live(now: Date) {
  return or(inArray(oprfKeys.state, ["building", "active"]), and(eq(oprfKeys.state, "retiring"), gt(oprfKeys.acceptedUntil, now)));
}

async function insertKey(tx: Database, sealingKey: Buffer, now: Date): Promise<number> {
  const [newest] = await tx.select({ epoch: oprfKeys.epoch }).from(oprfKeys).orderBy(desc(oprfKeys.epoch)).limit(1);
  const epoch = (newest?.epoch ?? 0) + 1;
  const { secretKey, publicKey } = generateOprfKeyPair();
  await tx.insert(oprfKeys).values({ epoch, publicKey: encodeBase64url(publicKey), sealedSecretKey: seal(sealingKey, encodeBase64url(secretKey)), state: "building", createdAt: now });
  return epoch;
}

/** At start: a key exists that is active or being built; two instances starting at once make one. */
export async function ensureOprfKey(db: Database, sealingKey: Buffer, now = new Date()): Promise<number> {
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const [current] = await tx.select({ epoch: oprfKeys.epoch }).from(oprfKeys).where(inArray(oprfKeys.state, ["building", "active"])).orderBy(desc(oprfKeys.epoch)).limit(1);
    return current ? current.epoch : insertKey(tx, sealingKey, now);
  });
}

/** `npm run keys:rotate -- --oprf`: a new key starts building (one at a time); the active key answers meanwhile. */
export async function rotateOprfKey(db: Database, sealingKey: Buffer, now: Date, actor: { userId: string | null } = { userId: null }): Promise<{ building: number; created: boolean }> {
  return withTransaction(db, async (tx) => {
    await tx.execute(LOCK);
    const [building] = await tx.select({ epoch: oprfKeys.epoch }).from(oprfKeys).where(eq(oprfKeys.state, "building"));
    if (building) return { building: building.epoch, created: false };
    const epoch = await insertKey(tx, sealingKey, now);
    await recordAudit(tx, { at: now, actorUserId: actor.userId, actorKind: actor.userId ? "operator" : "system", action: "oprf_key.rotation_started", subjectType: "oprf_key", subjectId: String(epoch), details: { epoch } });
    return { building: epoch, created: true };
  });
}

/** Called by the build once every record of `epoch` is written: it becomes active, the active key retires. */
export async function activateOprfKey(tx: Database, epoch: number, now: Date): Promise<{ retired: number[] }> {
  await tx.execute(LOCK);
  const retired = await tx
    .update(oprfKeys)
    .set({ state: "retiring", acceptedUntil: new Date(now.getTime() + OPRF_KEY_GRACE_MS) })
    .where(eq(oprfKeys.state, "active"))
    .returning({ epoch: oprfKeys.epoch });
  await tx.update(oprfKeys).set({ state: "active", activatedAt: now, builtThrough: null }).where(and(eq(oprfKeys.epoch, epoch), eq(oprfKeys.state, "building")));
  await recordAudit(tx, { at: now, actorUserId: null, actorKind: "system", action: "oprf_key.activated", subjectType: "oprf_key", subjectId: String(epoch), details: { epoch, retired: retired.map((row) => row.epoch) } });
  return { retired: retired.map((row) => row.epoch) };
}

/** Retiring keys past their grace period go, and their records with them (the foreign key cascades). */
export async function purgeRetiredOprfKeys(db: Database, now: Date): Promise<number> {
  const removed = await db.delete(oprfKeys).where(and(eq(oprfKeys.state, "retiring"), lte(oprfKeys.acceptedUntil, now))).returning({ epoch: oprfKeys.epoch });
  return removed.length;
}

/** For the metadata: the active key first, then the retiring ones (newest first), then one being built. */
export async function listOprfKeys(db: Database, now: Date): Promise<PublishedOprfKey[]> {
  const rows = await db.select({ epoch: oprfKeys.epoch, state: oprfKeys.state, publicKey: oprfKeys.publicKey }).from(oprfKeys).where(live(now)).orderBy(desc(oprfKeys.epoch));
  const rank = { active: 0, retiring: 1, building: 2 } as const;
  return rows.sort((a, b) => rank[a.state] - rank[b.state] || b.epoch - a.epoch);
}

type Loaded = { at: number; keys: OprfKey[] };
const loaded = new WeakMap<Database, Loaded>();

/**
 * The live keys with their secrets, cached for KEY_CACHE_MS. `refresh` forces a fresh read: writers use it so a key
 * another instance started building gets this instance's write-time records too.
 */
export async function loadOprfKeys(db: Database, sealingKey: Buffer, now: Date, options: { refresh?: boolean } = {}): Promise<OprfKey[]> {
  const cached = loaded.get(db);
  if (!options.refresh && cached && Date.now() - cached.at <= KEY_CACHE_MS) return cached.keys.filter((key) => !key.acceptedUntil || key.acceptedUntil > now);
  const rows = await db.select().from(oprfKeys).where(live(now)).orderBy(asc(oprfKeys.epoch));
  const keys = rows.map((row) => ({
    epoch: row.epoch,
    state: row.state,
    publicKey: decodeBase64url(row.publicKey),
    secretKey: decodeBase64url(unseal(sealingKey, row.sealedSecretKey)),
    acceptedUntil: row.state === "retiring" ? row.acceptedUntil : null,
  }));
  loaded.set(db, { at: Date.now(), keys });
  return keys;
}

export function forgetLoadedOprfKeys(db: Database): void {
  loaded.delete(db);
}

/** The building key's cursor, for the background build. */
export async function buildingOprfKey(db: Database): Promise<{ epoch: number; builtThrough: string | null } | undefined> {
  const [row] = await db.select({ epoch: oprfKeys.epoch, builtThrough: oprfKeys.builtThrough }).from(oprfKeys).where(eq(oprfKeys.state, "building")).limit(1);
  return row;
}

export async function advanceBuild(tx: Database, epoch: number, builtThrough: string): Promise<void> {
  await tx.update(oprfKeys).set({ builtThrough }).where(and(eq(oprfKeys.epoch, epoch), eq(oprfKeys.state, "building"), or(isNull(oprfKeys.builtThrough), sql`${oprfKeys.builtThrough} < ${builtThrough}`)));
}
