import "server-only";
import { DrizzleAdapter } from "@auth/drizzle-adapter";
import NextAuth from "next-auth";
import { getDb } from "@/db/index";
import { accounts, sessions, users, verificationTokens } from "@/db/schema";
import { getEnv } from "@/env";
import { withHashedSessionTokens } from "./hashed-session-adapter";
import { cookieAttributes, sessionCookieName } from "@/lib/auth/session-cookie";
import { logFailure } from "@/lib/log/log-failure";
import { SESSION_MAX_AGE_SECONDS, SESSION_UPDATE_AGE_SECONDS } from "@/lib/auth/session-rules";

/**
 * Auth.js reads, extends and ends sessions stored in PostgreSQL. Sessions are started by our own proofs (a
 * one-time code now, a passkey later) in the same transaction that consumes the proof, see
 * lib/accounts/sign-in-with-code.ts; Auth.js has no provider of its own to start one.
 */
export const { handlers, auth, signOut } = NextAuth(() => {
  const env = getEnv();
  return {
    adapter: withHashedSessionTokens(
      DrizzleAdapter(getDb(), {
        usersTable: users,
        accountsTable: accounts,
        sessionsTable: sessions,
        verificationTokensTable: verificationTokens,
      }),
    ),
    providers: [],
    secret: env.authSecret,
    trustHost: true,
    session: { strategy: "database", maxAge: SESSION_MAX_AGE_SECONDS, updateAge: SESSION_UPDATE_AGE_SECONDS },
    cookies: {
      sessionToken: { name: sessionCookieName(env.publicOrigin), options: cookieAttributes(env.publicOrigin) },
    },
    pages: { signIn: "/sign-in" },
    // Auth.js's own logger prints errors whole, with the URL, the query and its parameters (a session token's
    // hash among them): only their classes and codes are logged.
    logger: {
      error: (error) => logFailure("auth", error),
      warn: () => {},
      debug: () => {},
    },
    callbacks: {
      session({ session, user }) {
        const row = session as unknown as { authenticatedAt: Date; reauthenticatedAt: Date | null };
        return {
          expires: session.expires,
          user: { id: user.id },
          authenticatedAt: row.authenticatedAt.toISOString(),
          reauthenticatedAt: row.reauthenticatedAt?.toISOString() ?? null,
        } as unknown as typeof session;
      },
    },
  };
});
