import "server-only";
import { cookies } from "next/headers";
import { getEnv } from "@/env";
import type { NewSession } from "@/lib/auth/create-session";
import { cookieAttributes, sessionCookieName } from "@/lib/auth/session-cookie";

/** Hands a freshly started session to the browser, under the name and attributes Auth.js reads. */
export async function setSessionCookie(session: NewSession): Promise<void> {
  const origin = getEnv().publicOrigin;
  (await cookies()).set(sessionCookieName(origin), session.token, { ...cookieAttributes(origin), expires: session.expires });
}
