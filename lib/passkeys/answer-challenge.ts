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
 * The one way a passkey answers a stored challenge: the challenge is taken (deleted before verification, so it
 * is answered once), then the assertion verified against it, all inside the caller's transaction, so the
 * action it authorises commits with it or not at all. `userId` null: any account (discoverable sign-in).
 */
export async function answerChallenge(
  tx: Database,
  options: { challengeId: string; purpose: WebauthnPurpose; userId: string | null; rp: RelyingParty; response: AssertionResponse; now: Date },
): Promise<{ challenge: WebauthnChallenge; passkey: Passkey }> {
  const { rp, response, userId, now } = options;
  const challenge = await takeChallenge(tx, { id: options.challengeId, purpose: options.purpose, userId, now });
  if (!challenge) throw new PasskeyError("challenge_invalid");
  const passkey = await verifyPasskeyAssertion({ tx, rp, response, expectedChallenge: challenge.challenge, userId, now });
  return { challenge, passkey };
}
