import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import { readAccountCredentials } from "@/lib/accounts/read-account-credentials";
import { stepUpOffers } from "@/lib/accounts/sign-in-policy";
import { openAccount, type SignedIn } from "./open-account";
import { StepUpError } from "./step-up-error";
import { takeStepUp } from "./take-step-up";

/**
 * "It is my account", after a long absence, for an account whose only credential is the identifier the code went to:
 * there is nothing stronger to ask for, so the holder's word and the code open it. Refused for an account that has a
 * passkey or another identifier: those must be given.
 */
export async function confirmOwnAccount(options: {
  db: Database;
  token: string | undefined;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<SignedIn> {
  const { db, now } = options;
  return withTransaction(db, async (tx) => {
    const stepUp = await takeStepUp(tx, options.token, now);
    const credentials = await readAccountCredentials(tx, stepUp.userId, stepUp.identifier);
    if (!credentials || !stepUpOffers(credentials).ownAccount) throw new StepUpError("not_offered");
    return openAccount(tx, { stepUp, provenUris: [stepUp.identifier], now, previousSessionToken: options.previousSessionToken });
  });
}
