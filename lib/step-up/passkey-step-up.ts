import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import { answerChallenge, type AssertionResponse } from "@/lib/passkeys/answer-challenge";
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
 * Opens the account with its passkey: the step-up taken, the assertion checked by the code every passkey sign-in goes
 * through (answerChallenge: challenge single use, origin, rpID, user verification, counter, and the passkey must be
 * this account's), the proven identifier made fresh and a session started, in one transaction. Any refusal rolls it
 * all back: the step-up stays open, the account and the identifier untouched.
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
  return withTransaction(db, async (tx) => {
    const stepUp = await takeStepUp(tx, options.token, now);
    let challenge;
    try {
      ({ challenge } = await answerChallenge(tx, { challengeId: options.challengeId, purpose: "step_up", userId: stepUp.userId, rp, response: options.response, now }));
    } catch (error) {
      // Another account's passkey, or one not registered here at all: for this person, both mean "not this account's".
      if (error instanceof PasskeyError && (error.code === "other_account" || error.code === "unknown_credential")) {
        throw new StepUpError("wrong_passkey", { cause: error });
      }
      throw error;
    }
    // A challenge asked for by another step-up of the same account (another tab) does not answer this one.
    if (challenge.payload !== stepUp.id) throw new PasskeyError("challenge_invalid");
    return openAccount(tx, { stepUp, provenUris: [stepUp.identifier], now, previousSessionToken: options.previousSessionToken });
  });
}
