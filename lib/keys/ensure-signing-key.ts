import { isNull, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signingKeys } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { insertNewKey } from "./signing-keys";

/**
 * Makes sure the DP has an active ES256 signing key, generating one on first start. The key lives in the
 * database (sealed), not in a process or a local file, so every instance behind a balancer signs with it.
 */
export async function ensureSigningKey(db: Database, sealingKey: Buffer, now = new Date()): Promise<string> {
  return withTransaction(db, async (tx) => {
    // Two instances starting at once must not each create a key.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('mimi.signing-key', 0))`);
    const [active] = await tx.select({ kid: signingKeys.kid }).from(signingKeys).where(isNull(signingKeys.retiredAt));
    return active ? active.kid : insertNewKey(tx, sealingKey, now);
  });
}
