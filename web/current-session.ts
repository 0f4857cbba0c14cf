import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { auth } from "./auth";
import { getEnv } from "@/env";
import { sessionCookieName } from "@/lib/auth/session-cookie";

export type CurrentSession = {
  userId: string;
  /** The raw cookie token, needed to mark this very session as re-authenticated. */
  token: string;
  authenticatedAt: Date;
  reauthenticatedAt: Date | null;
};

/** The signed-in person, once per request. */
export const getCurrentSession = cache(async (): Promise<CurrentSession | null> => {
  const session = (await auth()) as
    | { user?: { id?: string }; authenticatedAt?: string; reauthenticatedAt?: string | null }
    | null;
  const token = (await cookies()).get(sessionCookieName(getEnv().publicOrigin))?.value;
  if (!session?.user?.id || !session.authenticatedAt || !token) return null;
  return {
    userId: session.user.id,
    token,
    authenticatedAt: new Date(session.authenticatedAt),
    reauthenticatedAt: session.reauthenticatedAt ? new Date(session.reauthenticatedAt) : null,
  };
});

export async function requireSession(): Promise<CurrentSession> {
  const session = await getCurrentSession();
  if (!session) redirect("/sign-in");
  return session;
}
