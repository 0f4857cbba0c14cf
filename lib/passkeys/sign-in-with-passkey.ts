import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { Database } from "@/db/client";
import { withTransaction } from "@/db/transaction";
import { createSession, type NewSession } from "@/lib/auth/create-session";
import { answerChallenge, consumeChallenge, type AssertionResponse } from "./answer-challenge";
import { storeChallenge } from "./challenges";
import type { RelyingParty } from "./relying-party";

/** Options for a discoverable-credential sign-in: the browser offers whichever passkey the person picks. */
export async function startPasskeySignIn(options: {
  db: Database;
  rp: RelyingParty;
  now: Date;
}): Promise<{ challengeId: string; options: PublicKeyCredentialRequestOptionsJSON }> {
  const request = await generateAuthenticationOptions({ rpID: options.rp.rpId, userVerification: "required", timeout: 120_000 });
  const stored = await storeChallenge(options.db, { purpose: "authenticate", userId: null, challenge: request.challenge, now: options.now });
  return { challengeId: stored.id, options: request };
}

/** Signs in with a passkey: challenge taken, assertion verified, counter advanced and session started together. */
export async function signInWithPasskey(options: {
  db: Database;
  rp: RelyingParty;
  challengeId: string;
  response: AssertionResponse;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<{ userId: string; session: NewSession }> {
  const { db, rp, now } = options;
  const challenge = await consumeChallenge(db, { challengeId: options.challengeId, purpose: "authenticate", userId: null, now });
  return withTransaction(db, async (tx) => {
    const passkey = await answerChallenge(tx, { challenge, userId: null, rp, response: options.response, now });
    const session = await createSession({ tx, userId: passkey.userId, now, previousToken: options.previousSessionToken });
    return { userId: passkey.userId, session };
  });
}
