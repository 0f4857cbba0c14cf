import { sha256Hex } from "@/lib/crypto/secrets";

/** Sessions last 30 days and are extended at most once a day (Auth.js's updateAge). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
export const SESSION_UPDATE_AGE_SECONDS = 24 * 60 * 60;
/** Adding or removing an identifier or a passkey needs a sign-in or re-authentication this recent. */
export const REAUTH_WINDOW_MS = 10 * 60_000;

/** Session tokens are stored as SHA-256 hashes: a read of the sessions table yields no usable cookie. */
export function hashSessionToken(token: string): string {
  return sha256Hex(token);
}

export function isFreshlyAuthenticated(
  session: { authenticatedAt: Date; reauthenticatedAt: Date | null },
  now: Date,
): boolean {
  const latest = Math.max(session.authenticatedAt.getTime(), session.reauthenticatedAt?.getTime() ?? 0);
  return now.getTime() - latest <= REAUTH_WINDOW_MS;
}
