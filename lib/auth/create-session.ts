import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { sessions } from "@/db/schema";
import { randomToken } from "@/lib/crypto/secrets";
import { hashSessionToken, SESSION_MAX_AGE_SECONDS } from "./session-rules";

export type NewSession = { token: string; expires: Date };

/**
 * Starts a session for a person who just proved who they are. A new 256-bit token every time (rotation at
 * sign-in); the session the browser had before, if any, is ended in the same transaction.
 */
export async function createSession(options: {
  tx: Database;
  userId: string;
  now: Date;
  previousToken?: string | undefined;
}): Promise<NewSession> {
  const { tx, userId, now, previousToken } = options;
  if (previousToken) await tx.delete(sessions).where(eq(sessions.sessionToken, hashSessionToken(previousToken)));
  const token = randomToken();
  const expires = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await tx.insert(sessions).values({ sessionToken: hashSessionToken(token), userId, expires, authenticatedAt: now });
  return { token, expires };
}
