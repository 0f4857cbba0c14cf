import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sessions } from "@/db/schema";
import { hashSessionToken, SESSION_MAX_AGE_SECONDS, SESSION_UPDATE_AGE_SECONDS } from "./session-rules";

export type SessionRead = { userId: string; expires: Date; authenticatedAt: Date; reauthenticatedAt: Date | null };

/**
 * The session a cookie's token stands for, as Auth.js's database strategy reads it: found by the token's hash, ended
 * (and deleted) once expired, and extended by SESSION_MAX_AGE_SECONDS at most once per SESSION_UPDATE_AGE_SECONDS.
 * Ours rather than Auth.js's `auth()`, because that one turns a database that does not answer into "no session"
 * (and a signed-in person into a signed-out one); here the database's failure is thrown, for the page to say so.
 */
export async function readSession(db: Database, token: string, now: Date): Promise<SessionRead | null> {
  const hash = hashSessionToken(token);
  const [row] = await db
    .select({ userId: sessions.userId, expires: sessions.expires, authenticatedAt: sessions.authenticatedAt, reauthenticatedAt: sessions.reauthenticatedAt })
    .from(sessions)
    .where(eq(sessions.sessionToken, hash));
  if (!row) return null;
  if (row.expires.getTime() <= now.getTime()) {
    await db.delete(sessions).where(eq(sessions.sessionToken, hash));
    return null;
  }
  const dueForUpdate = row.expires.getTime() - SESSION_MAX_AGE_SECONDS * 1000 + SESSION_UPDATE_AGE_SECONDS * 1000 <= now.getTime();
  if (!dueForUpdate) return row;
  const expires = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.update(sessions).set({ expires }).where(eq(sessions.sessionToken, hash));
  return { ...row, expires };
}
