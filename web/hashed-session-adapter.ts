import type { Adapter } from "@auth/core/adapters";
import { hashSessionToken } from "@/lib/auth/session-rules";

/**
 * Wraps an Auth.js adapter so that session tokens reach the database only as SHA-256 hashes. Auth.js keeps
 * handling the cookie's raw token; a copy of the sessions table is useless for signing in.
 */
export function withHashedSessionTokens(adapter: Adapter): Adapter {
  return {
    ...adapter,
    createSession: async (session) => {
      const created = await adapter.createSession!({ ...session, sessionToken: hashSessionToken(session.sessionToken) });
      return { ...created, sessionToken: session.sessionToken };
    },
    getSessionAndUser: async (sessionToken) => {
      const found = await adapter.getSessionAndUser!(hashSessionToken(sessionToken));
      return found && { ...found, session: { ...found.session, sessionToken } };
    },
    updateSession: async (session) => {
      const updated = await adapter.updateSession!({ ...session, sessionToken: hashSessionToken(session.sessionToken) });
      return updated && { ...updated, sessionToken: session.sessionToken };
    },
    deleteSession: async (sessionToken) => {
      await adapter.deleteSession!(hashSessionToken(sessionToken));
    },
  };
}
