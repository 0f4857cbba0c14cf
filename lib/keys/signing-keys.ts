import { generateKeyPairSync } from "node:crypto";
import { and, desc, eq, exists, gt, isNull, or, sql } from "drizzle-orm";
import { calculateJwkThumbprint, importJWK, SignJWT, type JWK } from "jose";
import type { Database } from "@/db/client";
import { mappings, signingKeys } from "@/db/schema";
import { seal, unseal } from "@/lib/crypto/seal";
import { BINDING_JWS_TYPE, type BindingClaims } from "@mimi-discovery/msp-kit";

export type ActiveSigningKey = {
  kid: string;
  /** A mapping's binding (protocol section 2.1). */
  sign: (claims: BindingClaims) => Promise<string>;
  /** Any other statement by the DP, under its own `typ` (tombstones). */
  signAs: (typ: string, claims: Record<string, unknown>) => Promise<string>;
};

/** The key new bindings are signed with: the newest one not retired. */
export async function loadActiveSigningKey(db: Database, sealingKey: Buffer): Promise<ActiveSigningKey> {
  const [row] = await db.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(desc(signingKeys.createdAt)).limit(1);
  if (!row) throw new Error("no active signing key: the server's bootstrap creates one at start");
  const privateKey = await importJWK(JSON.parse(unseal(sealingKey, row.sealedPrivateKey)) as JWK, "ES256");
  const signAs = (typ: string, claims: Record<string, unknown>) =>
    new SignJWT({ ...claims }).setProtectedHeader({ alg: "ES256", kid: row.kid, typ }).sign(privateKey);
  return { kid: row.kid, sign: (claims) => signAs(BINDING_JWS_TYPE, claims), signAs };
}

/**
 * The DP's published keys: every key not retired, plus each retired key while a binding it signed has not
 * expired (protocol section 3), so rotation never breaks a mapping that is still served.
 */
export async function publishedJwks(db: Database, now: Date): Promise<{ keys: JWK[] }> {
  const rows = await db
    .select({ publicJwk: signingKeys.publicJwk })
    .from(signingKeys)
    .where(
      or(
        isNull(signingKeys.retiredAt),
        exists(
          db
            .select({ one: sql`1` })
            .from(mappings)
            .where(and(eq(mappings.bindingKid, signingKeys.kid), gt(mappings.expiresAt, now))),
        ),
      ),
    )
    .orderBy(desc(signingKeys.createdAt));
  return { keys: rows.map((row) => row.publicJwk as JWK) };
}

/** Retires the active key and creates a new one, in one transaction. Run by `npm run keys:rotate`. */
export async function rotateSigningKey(db: Database, sealingKey: Buffer, now: Date): Promise<{ retired: string[]; created: string }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('mimi.signing-key', 0))`);
    const retired = await tx
      .update(signingKeys)
      .set({ retiredAt: now })
      .where(isNull(signingKeys.retiredAt))
      .returning({ kid: signingKeys.kid });
    const created = await insertNewKey(tx as unknown as Database, sealingKey, now);
    return { retired: retired.map((row) => row.kid), created };
  });
}

export async function insertNewKey(tx: Database, sealingKey: Buffer, now: Date): Promise<string> {
  const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const publicJwk = publicKey.export({ format: "jwk" }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  await tx.insert(signingKeys).values({
    kid,
    alg: "ES256",
    publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" },
    sealedPrivateKey: seal(sealingKey, JSON.stringify(privateKey.export({ format: "jwk" }))),
    createdAt: now,
  });
  return kid;
}
