import { eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, users } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { createSession, type NewSession } from "@/lib/auth/create-session";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { consumeCode, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";

export type SignInOutcome =
  | { ok: true; userId: string; session: NewSession; newAccount: boolean }
  | Exclude<ConsumeCodeOutcome, { ok: true }>;

/**
 * Signs in with a one-time code: the code is used, the account found (or created for a first-time identifier)
 * and the session started in one transaction, so a failure leaves the code unused and nothing half-written.
 */
export async function signInWithCode(options: {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  challengeId: string;
  code: string;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<SignInOutcome> {
  const { db, keys, challengeId, code, now } = options;
  return withTransaction(db, async (tx) => {
    const outcome = await consumeCode({ tx, keys, challengeId, code, purpose: "sign_in", now });
    if (!outcome.ok) return outcome;
    const { challenge } = outcome;
    const existing = await findOwner(tx, challenge.identifier);
    let userId = existing;
    if (userId) {
      await tx.update(identifiers).set({ verifiedAt: now }).where(eq(identifiers.uri, challenge.identifier));
    } else {
      const [user] = await tx.insert(users).values({}).returning({ id: users.id });
      const [inserted] = await tx
        .insert(identifiers)
        .values({
          uri: challenge.identifier,
          kind: challenge.identifier.startsWith("tel:") ? "tel" : "mailto",
          lineType: challenge.lineType,
          userId: user!.id,
          verifiedAt: now,
        })
        .onConflictDoNothing({ target: identifiers.uri })
        .returning({ userId: identifiers.userId });
      if (inserted) {
        userId = inserted.userId;
      } else {
        // A concurrent first sign-in of the same identifier committed first: join its account instead.
        await tx.delete(users).where(eq(users.id, user!.id));
        userId = await findOwner(tx, challenge.identifier);
        if (!userId) throw new Error("identifier vanished during sign-in");
      }
    }
    const session = await createSession({ tx, userId, now, previousToken: options.previousSessionToken });
    return { ok: true, userId, session, newAccount: !existing };
  });
}

async function findOwner(tx: Database, uri: string): Promise<string | undefined> {
  const [row] = await tx.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, uri));
  return row?.userId;
}
