import { generateAuthenticationOptions, type PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";
import type { z } from "zod";
import type { Database } from "../../db/client";
import { withTransaction } from "../../db/transaction";
import { createSession, type NewSession } from "../auth/create-session";
import type { authenticationResponseSchema } from "../validations/webauthn";
import { storeChallenge, takeChallenge } from "./challenges";
import { PasskeyError } from "./passkey-error";
import type { RelyingParty } from "./relying-party";
import { verifyPasskeyAssertion } from "./verify-passkey-assertion";

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
  response: z.output<typeof authenticationResponseSchema>;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<{ userId: string; session: NewSession }> {
  const { db, rp, now } = options;
  return withTransaction(db, async (tx) => {
    const challenge = await takeChallenge(tx, { id: options.challengeId, purpose: "authenticate", userId: null, now });
    if (!challenge) throw new PasskeyError("challenge_invalid");
    const passkey = await verifyPasskeyAssertion({ tx, rp, response: options.response, expectedChallenge: challenge.challenge, userId: null, now });
    const session = await createSession({ tx, userId: passkey.userId, now, previousToken: options.previousSessionToken });
    return { userId: passkey.userId, session };
  });
}
