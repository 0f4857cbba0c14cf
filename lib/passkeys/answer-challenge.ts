import type { z } from "zod";
import type { Database } from "@/db/client";
import type { Passkey, WebauthnChallenge, WebauthnPurpose } from "@/db/schema";
import type { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { takeChallenge } from "./challenges";
import { PasskeyError } from "./passkey-error";
import type { RelyingParty } from "./relying-party";
import { verifyPasskeyAssertion } from "./verify-passkey-assertion";

export type AssertionResponse = z.output<typeof authenticationResponseSchema>;

/**
 * Takes a stored challenge for good, in a statement of its own that commits before anything is verified: a refused
 * answer rolls back the caller's transaction, and must not roll the challenge back into the store with it, or the
 * same challenge could be answered again (single use means single use). `userId` null: any account.
 */
export async function consumeChallenge(
  db: Database,
  options: { challengeId: string; purpose: WebauthnPurpose; userId: string | null; now: Date },
): Promise<WebauthnChallenge> {
  const challenge = await takeChallenge(db, { id: options.challengeId, purpose: options.purpose, userId: options.userId, now: options.now });
  if (!challenge) throw new PasskeyError("challenge_invalid");
  return challenge;
}

/**
 * The one way a passkey answers a consumed challenge: the assertion is verified against it inside the caller's
 * transaction (the counter moves there), so the action it authorises commits with it or not at all.
 */
export async function answerChallenge(
  tx: Database,
  options: { challenge: WebauthnChallenge; userId: string | null; rp: RelyingParty; response: AssertionResponse; now: Date },
): Promise<Passkey> {
  const { rp, response, userId, now, challenge } = options;
  return verifyPasskeyAssertion({ tx, rp, response, expectedChallenge: challenge.challenge, userId, now });
}
