import type { Database } from "@/db/client";
import { federationOutbox } from "@/db/schema";
import type { ActiveSigningKey } from "@/lib/keys/signing-keys";

/** The JWS `typ` of a DP's statement that a new holder proved a recycled identifier (protocol section 8). */
export const REASSIGNMENT_JWS_TYPE = "mimi-reassignment+jwt";

/**
 * Queues, inside the caller's transaction, a statement signed by this DP that a new holder proved `csi` at `now`:
 * peers that verify it de-list their mappings of the CSI made before then. It names no holder, old or new.
 */
export async function queueReassignment(tx: Database, options: { csi: string; issuer: string; key: ActiveSigningKey; now: Date }): Promise<void> {
  const statement = await options.key.signAs(REASSIGNMENT_JWS_TYPE, { iss: options.issuer, sub: options.csi, iat: Math.floor(options.now.getTime() / 1000) });
  await tx.insert(federationOutbox).values({ statement, createdAt: options.now, nextAt: options.now });
}
