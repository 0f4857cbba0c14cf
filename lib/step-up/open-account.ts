import { and, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, type SignInStepUp } from "@/db/schema";
import { createSession, type NewSession } from "@/lib/auth/create-session";

export type SignedIn = { userId: string; session: NewSession };

/**
 * The end of every step-up that opens the step-up's account: the identifiers the holder just proved by code are
 * fresh again (only while they are still on this account), and a session starts, in the caller's transaction.
 */
export async function openAccount(
  tx: Database,
  options: { stepUp: SignInStepUp; provenUris: string[]; now: Date; previousSessionToken?: string | undefined },
): Promise<SignedIn> {
  const { stepUp, now } = options;
  if (options.provenUris.length > 0) {
    await tx
      .update(identifiers)
      .set({ verifiedAt: now })
      .where(and(eq(identifiers.userId, stepUp.userId), inArray(identifiers.uri, options.provenUris)));
  }
  const session = await createSession({ tx, userId: stepUp.userId, now, previousToken: options.previousSessionToken });
  return { userId: stepUp.userId, session };
}
