import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, users } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { createSession, type NewSession } from "@/lib/auth/create-session";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { consumeCode, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";
import { startStepUp, type NewStepUp } from "@/lib/step-up/start-step-up";
import { readAccountCredentials } from "./read-account-credentials";
import { decideCodeSignIn } from "./sign-in-policy";

export type SignInOutcome =
  | { ok: true; status: "signed_in"; userId: string; session: NewSession; newAccount: boolean }
  /** The code was right, but it does not open the account alone: nothing of it is shown until the step-up is answered. */
  | { ok: true; status: "step_up"; stepUp: NewStepUp }
  | Exclude<ConsumeCodeOutcome, { ok: true }>;

/**
 * Signs in with a one-time code: the code is used, the account found (or created for a first-time identifier) and
 * the session started in one transaction, so a failure leaves the code unused and nothing half-written. When the
 * code is not enough to open the account that holds the identifier (lib/accounts/sign-in-policy.ts), no session is
 * started and the identifier's last proof is left as it was: a step-up waits for the next answer instead.
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
    // Locked, so that a takeover of this identifier in another transaction waits for this decision (or it for that).
    const [held] = await tx.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, challenge.identifier)).for("update");
    let userId = held?.userId;
    if (userId) {
      const credentials = await readAccountCredentials(tx, userId, challenge.identifier);
      const decision = decideCodeSignIn(credentials!, now);
      if (decision.kind === "step_up") {
        const stepUp = await startStepUp(tx, { userId, identifier: challenge.identifier, lineType: challenge.lineType, reason: decision.reason, now });
        return { ok: true, status: "step_up", stepUp };
      }
      await tx.update(identifiers).set({ verifiedAt: now }).where(and(eq(identifiers.uri, challenge.identifier), eq(identifiers.userId, userId)));
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
        // A concurrent first sign-in of the same identifier committed first: join its account instead (it was
        // proven this instant, by a code of this same identifier, so there is nothing to step up from).
        await tx.delete(users).where(eq(users.id, user!.id));
        const [winner] = await tx.select({ userId: identifiers.userId }).from(identifiers).where(eq(identifiers.uri, challenge.identifier));
        if (!winner) throw new Error("identifier vanished during sign-in");
        userId = winner.userId;
      }
    }
    const session = await createSession({ tx, userId, now, previousToken: options.previousSessionToken });
    return { ok: true, status: "signed_in", userId, session, newAccount: !held };
  });
}
