import { generateKeyPairSync } from "node:crypto";
import { isNull, sql } from "drizzle-orm";
import { calculateJwkThumbprint, type JWK } from "jose";
import type { Database } from "../../db/client";
import { signingKeys } from "../../db/schema";
import { withTransaction } from "../../db/transaction";
import { seal } from "../crypto/seal";

/**
 * Makes sure the DP has an active ES256 signing key, generating one on first start. The key lives in the
 * database (sealed), not in a process or a local file, so every instance behind a balancer signs with it.
 */
export async function ensureSigningKey(db: Database, sealingKey: Buffer): Promise<string> {
  return withTransaction(db, async (tx) => {
    // Two instances starting at once must not each create a key.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('mimi.signing-key', 0))`);
    const [active] = await tx.select({ kid: signingKeys.kid }).from(signingKeys).where(isNull(signingKeys.retiredAt));
    if (active) return active.kid;
    const { publicKey, privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const publicJwk = publicKey.export({ format: "jwk" }) as JWK;
    const kid = await calculateJwkThumbprint(publicJwk);
    await tx.insert(signingKeys).values({
      kid,
      alg: "ES256",
      publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" },
      sealedPrivateKey: seal(sealingKey, JSON.stringify(privateKey.export({ format: "jwk" }))),
    });
    return kid;
  });
}
