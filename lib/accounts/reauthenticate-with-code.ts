import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, sessions } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { hashSessionToken } from "@/lib/auth/session-rules";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { consumeCode, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";

export type ReauthenticateOutcome = { ok: true } | Exclude<ConsumeCodeOutcome, { ok: true }>;

/** Marks the current session as freshly authenticated, with a code sent to one of the account's identifiers. */
export async function reauthenticateWithCode(options: {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  userId: string;
  sessionToken: string;
  challengeId: string;
  code: string;
  now: Date;
}): Promise<ReauthenticateOutcome> {
  const { db, keys, userId, challengeId, code, now } = options;
  return withTransaction(db, async (tx) => {
    const outcome = await consumeCode({ tx, keys, challengeId, code, purpose: "reauthenticate", userId, now });
    if (!outcome.ok) return outcome;
    // The identifier may have moved to another account since the code was sent: then it proves nothing here.
    const [owned] = await tx
      .select({ id: identifiers.id })
      .from(identifiers)
      .where(and(eq(identifiers.uri, outcome.challenge.identifier), eq(identifiers.userId, userId)));
    if (!owned) return { ok: false, reason: "unknown" };
    // A code entered by the account's holder is a fresh proof of the identifier (lib/accounts/sign-in-policy.ts).
    await tx.update(identifiers).set({ verifiedAt: now }).where(eq(identifiers.id, owned.id));
    await tx
      .update(sessions)
      .set({ reauthenticatedAt: now })
      .where(and(eq(sessions.sessionToken, hashSessionToken(options.sessionToken)), eq(sessions.userId, userId)));
    return { ok: true };
  });
}
