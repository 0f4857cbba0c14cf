import type { Database } from "@/db/client";
import type { StepUpReason } from "@/db/schema";
import { readAccountCredentials } from "@/lib/accounts/read-account-credentials";
import { stepUpOffers, type StepUpOffers } from "@/lib/accounts/sign-in-policy";
import { findChallenge, type ChallengeSummary } from "@/lib/otp/find-challenge";
import { maskIdentifier, parseIdentifier } from "@mimi-discovery/msp-kit";
import { findStepUp } from "./take-step-up";

/**
 * What the step-up page may show: the identifier the person proved (masked, as the code form showed it), why the code
 * was not enough, and which ways out the account offers. Nothing else of the account: not its other identifiers, not
 * its passkeys' names, not when it was used.
 */
export type StepUpView = {
  maskedIdentifier: string;
  kind: "tel" | "mailto";
  reason: StepUpReason;
  offers: StepUpOffers;
  /** The code sent to another identifier, when one was asked for (its destination is what the person typed). */
  codeChallenge: ChallengeSummary | null;
  expiresAt: Date;
};

export async function describeStepUp(db: Database, token: string | undefined, now: Date): Promise<StepUpView | null> {
  const stepUp = await findStepUp(db, token, now);
  if (!stepUp) return null;
  const credentials = await readAccountCredentials(db, stepUp.userId, stepUp.identifier);
  const csi = parseIdentifier(stepUp.identifier);
  return {
    maskedIdentifier: maskIdentifier(csi),
    kind: csi.kind,
    reason: stepUp.reason,
    // The identifier may have left the account since (taken over, or released by its CSIP): then the code proves nothing
    // for the account, and only "new holder" remains (the identifier is theirs to claim).
    offers: credentials ? stepUpOffers(credentials) : { passkey: false, otherIdentifier: false, ownAccount: false, newHolder: true },
    codeChallenge: stepUp.codeChallengeId
      ? await findChallenge(db, { challengeId: stepUp.codeChallengeId, purpose: "step_up", userId: stepUp.userId, now })
      : null,
    expiresAt: stepUp.expiresAt,
  };
}
