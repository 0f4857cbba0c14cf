import { count, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, passkeys } from "@/db/schema";
import type { AccountCredentials } from "./sign-in-policy";

/**
 * The account's credentials as seen from one of its identifiers; null when that identifier is no longer on the
 * account (it was taken over or released since).
 */
export async function readAccountCredentials(db: Database, userId: string, uri: string): Promise<AccountCredentials | null> {
  const owned = await db.select({ uri: identifiers.uri, verifiedAt: identifiers.verifiedAt }).from(identifiers).where(eq(identifiers.userId, userId));
  const self = owned.find((row) => row.uri === uri);
  if (!self) return null;
  const [keys] = await db.select({ n: count() }).from(passkeys).where(eq(passkeys.userId, userId));
  return { hasPasskey: (keys?.n ?? 0) > 0, otherIdentifiers: owned.length - 1, provenAt: self.verifiedAt };
}
