import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt } from "drizzle-orm";
import type { Database } from "@/db/client";
import { webauthnChallenges, type WebauthnChallenge, type WebauthnPurpose } from "@/db/schema";

/** WebAuthn Level 3 13.4.3: at least 16 random bytes; ours are 32. Expire within 5 minutes (security rules). */
export const WEBAUTHN_CHALLENGE_TTL_MS = 5 * 60_000;

export function newChallenge(): string {
  return randomBytes(32).toString("base64url");
}

export async function storeChallenge(
  db: Database,
  options: { purpose: WebauthnPurpose; userId: string | null; now: Date; challenge?: string; payload?: string },
): Promise<WebauthnChallenge> {
  const { now } = options;
  // Expired challenges are garbage: drop them while we are here, so the table stays small without a job.
  await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, new Date(now.getTime() - WEBAUTHN_CHALLENGE_TTL_MS)));
  const [row] = await db
    .insert(webauthnChallenges)
    .values({
      challenge: options.challenge ?? newChallenge(),
      purpose: options.purpose,
      userId: options.userId,
      payload: options.payload ?? null,
      expiresAt: new Date(now.getTime() + WEBAUTHN_CHALLENGE_TTL_MS),
      createdAt: now,
    })
    .returning();
  return row!;
}

/**
 * Takes a challenge out of the store: deleted before it is verified, so it can be answered once only, even by
 * concurrent requests. Returns null if it does not exist, belongs to another purpose or account, or expired.
 */
export async function takeChallenge(
  tx: Database,
  options: { id: string; purpose: WebauthnPurpose; userId: string | null; now: Date },
): Promise<WebauthnChallenge | null> {
  if (!/^[0-9a-f-]{36}$/u.test(options.id)) return null;
  const [row] = await tx
    .delete(webauthnChallenges)
    .where(
      and(
        eq(webauthnChallenges.id, options.id),
        eq(webauthnChallenges.purpose, options.purpose),
        options.userId === null ? isNull(webauthnChallenges.userId) : eq(webauthnChallenges.userId, options.userId),
      ),
    )
    .returning();
  if (!row || row.expiresAt <= options.now) return null;
  return row;
}
