import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import { answerChallenge, consumeChallenge, type AssertionResponse } from "@/lib/passkeys/answer-challenge";
import { storeChallenge } from "@/lib/passkeys/challenges";
import { PasskeyError } from "@/lib/passkeys/passkey-error";
import type { RelyingParty } from "@/lib/passkeys/relying-party";
import { openAccount, type SignedIn } from "./open-account";
import { StepUpError } from "./step-up-error";
import { findStepUp, takeStepUp } from "./take-step-up";

/**
 * Asks for the account's passkey, the same ceremony as a passkey sign-in (lib/passkeys/sign-in-with-passkey.ts): a
 * discoverable-credential request with user verification, the challenge kept server-side and tied to this account
 * and this step-up. It names no credential: which passkeys the account has is the account's, not the number holder's.
 */
export async function startPasskeyStepUp(options: {
  db: Database;
  rp: RelyingParty;
  token: string | undefined;
  now: Date;
}): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const { db, rp, now } = options;
  const stepUp = await findStepUp(db, options.token, now);
  if (!stepUp) throw new StepUpError("ended");
  const request = await generateAuthenticationOptions({ rpID: rp.rpId, userVerification: "required", timeout: 120_000 });
  const stored = await storeChallenge(db, { purpose: "step_up", userId: stepUp.userId, payload: stepUp.id, challenge: request.challenge, now });
  return { challengeId: stored.id, options: request };
}

/**
 * Opens the account with its passkey: the challenge consumed, then the step-up taken, the assertion checked by the code
 * every passkey sign-in goes through (answerChallenge: origin, rpID, user verification, counter, and the passkey must
 * be this account's), the proven identifier made fresh and a session started, in one transaction. A refusal rolls
 * that transaction back: the step-up stays open (a new challenge is needed), the account and the identifier untouched.
 */
export async function finishPasskeyStepUp(options: {
  db: Database;
  rp: RelyingParty;
  token: string | undefined;
  challengeId: string;
  response: AssertionResponse;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<SignedIn> {
  const { db, rp, now } = options;
  const open = await findStepUp(db, options.token, now);
  if (!open) throw new StepUpError("ended");
  // Consumed for good before the answer is checked, as every passkey answer is: a refused one cannot be tried again.
  const challenge = await consumeChallenge(db, { challengeId: options.challengeId, purpose: "step_up", userId: open.userId, now });
  // A challenge asked for by another step-up of the same account (another tab) does not answer this one.
  if (challenge.payload !== open.id) throw new PasskeyError("challenge_invalid");
  return withTransaction(db, async (tx) => {
    const stepUp = await takeStepUp(tx, options.token, now);
    if (stepUp.id !== open.id) throw new StepUpError("ended");
    try {
      await answerChallenge(tx, { challenge, userId: stepUp.userId, rp, response: options.response, now });
    } catch (error) {
      // Another account's passkey, or one not registered here at all: for this person, both mean "not this account's".
      if (error instanceof PasskeyError && (error.code === "other_account" || error.code === "unknown_credential")) {
        throw new StepUpError("wrong_passkey", { cause: error });
      }
      throw error;
    }
    return openAccount(tx, { stepUp, provenUris: [stepUp.identifier], now, previousSessionToken: options.previousSessionToken });
  });
}
