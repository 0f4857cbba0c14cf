import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { getDb } from "@/db/index";
import { isDatabaseUnavailable } from "@/db/errors";
import { getEnv } from "@/env";
import { readSession } from "@/lib/auth/read-session";
import { sessionCookieName } from "@/lib/auth/session-cookie";
import { now } from "@/lib/clock";
import { ServiceUnavailableError } from "./service-unavailable";

export type CurrentSession = {
  userId: string;
  /** The raw cookie token, needed to mark this very session as re-authenticated. */
  token: string;
  authenticatedAt: Date;
  reauthenticatedAt: Date | null;
};

/**
 * The signed-in person, once per request; null when nobody is. A database that does not answer is not "nobody":
 * it throws ServiceUnavailableError, so that a signed-in person sees "briefly unavailable" and stays signed in,
 * instead of being sent to the sign-in page.
 */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const token = (await cookies()).get(sessionCookieName(getEnv().publicOrigin))?.value;
  if (!token) return null;
  try {
    const session = await readSession(getDb(), token, now());
    return session && { userId: session.userId, token, authenticatedAt: session.authenticatedAt, reauthenticatedAt: session.reauthenticatedAt };
  } catch (error) {
    if (isDatabaseUnavailable(error)) throw new ServiceUnavailableError();
    // Not the query's own error, not even as a cause: its parameters are the token's hash, and Next logs what a
    // page throws, causes included.
    // eslint-disable-next-line preserve-caught-error
    throw new Error("The session could not be read");
  }
});

export async function requireSession(): Promise<CurrentSession> {
  const session = await getCurrentSession();
  if (!session) redirect("/sign-in");
  return session;
}
