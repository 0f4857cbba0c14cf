import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { passkeys, type Passkey } from "@/db/schema";

/**
 * The passkeys that may sign an identifier's mappings: its own when it has any, else the account's passkeys that
 * belong to no identifier. An identifier with a passkey of its own is never signed for by another, and its own
 * never signs another's, so nothing in two published mappings (credential id, binding key) ties them to one person.
 */
export async function signingPasskeys(db: Database, options: { userId: string; identifierId: string }) {
  const own = await db
    .select({ id: passkeys.id, credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(and(eq(passkeys.userId, options.userId), eq(passkeys.identifierId, options.identifierId)));
  if (own.length > 0) return own;
  return db
    .select({ id: passkeys.id, credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(and(eq(passkeys.userId, options.userId), isNull(passkeys.identifierId)));
}

/** Whether a passkey that made a verified assertion is one that may sign this identifier's mappings. */
export async function maySign(db: Database, passkey: Passkey, identifierId: string): Promise<boolean> {
  const allowed = await signingPasskeys(db, { userId: passkey.userId, identifierId });
  return allowed.some((candidate) => candidate.id === passkey.id);
}
