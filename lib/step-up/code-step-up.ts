import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, signInStepUps } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { consumeCode, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";
import { requestCode, type DeliverCode, type RequestedCode } from "@/lib/otp/request-code";
import type { Csi } from "@mimi-discovery/msp-kit";
import { openAccount, type SignedIn } from "./open-account";
import { StepUpError } from "./step-up-error";
import { findStepUp } from "./take-step-up";

/**
 * Sends a code to another identifier of the step-up's account, which the person types in full (the page never lists
 * them). What happens looks the same whether or not the typed identifier is on the account: a challenge is made and
 * counted against the same limits either way, and the code is delivered only if it is, so a new holder cannot use
 * this to learn the previous holder's identifiers, and no code goes to a stranger.
 */
export async function requestStepUpCode(options: {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  token: string | undefined;
  csi: Csi;
  clientIp: string;
  phoneRegions: "*" | Set<string>;
  now: Date;
  deliver: DeliverCode;
}): Promise<RequestedCode> {
  const { db, csi, now } = options;
  const stepUp = await findStepUp(db, options.token, now);
  if (!stepUp) throw new StepUpError("ended");
  if (csi.uri === stepUp.identifier) throw new StepUpError("same_identifier");
  const [owned] = await db
    .select({ id: identifiers.id })
    .from(identifiers)
    .where(and(eq(identifiers.uri, csi.uri), eq(identifiers.userId, stepUp.userId)));
  const requested = await requestCode({
    db,
    keys: options.keys,
    csi,
    purpose: "step_up",
    userId: stepUp.userId,
    clientIp: options.clientIp,
    phoneRegions: options.phoneRegions,
    now,
    deliver: owned ? options.deliver : async () => {},
  });
  await db.update(signInStepUps).set({ codeChallengeId: requested.challengeId }).where(eq(signInStepUps.id, stepUp.id));
  return requested;
}

export type StepUpCodeOutcome = ({ ok: true } & SignedIn) | Exclude<ConsumeCodeOutcome, { ok: true }>;

/**
 * Opens the account with the code sent to its other identifier. A wrong code counts against that code as on the
 * sign-in page and leaves the step-up open; the right one, for an identifier still on this account, ends the step-up
 * and starts a session, both identifiers fresh again.
 */
export async function finishCodeStepUp(options: {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  token: string | undefined;
  code: string;
  now: Date;
  previousSessionToken?: string | undefined;
}): Promise<StepUpCodeOutcome> {
  const { db, keys, code, now } = options;
  return withTransaction(db, async (tx) => {
    const stepUp = await findStepUp(tx, options.token, now, true);
    if (!stepUp) throw new StepUpError("ended");
    if (!stepUp.codeChallengeId) throw new StepUpError("no_code");
    const outcome = await consumeCode({ tx, keys, challengeId: stepUp.codeChallengeId, code, purpose: "step_up", userId: stepUp.userId, now });
    if (!outcome.ok) return outcome;
    const [owned] = await tx
      .select({ id: identifiers.id })
      .from(identifiers)
      .where(and(eq(identifiers.uri, outcome.challenge.identifier), eq(identifiers.userId, stepUp.userId)));
    // Not on the account (then nobody was sent the code), or it left the account since the code was sent.
    if (!owned) return { ok: false, reason: "unknown" };
    await tx.delete(signInStepUps).where(eq(signInStepUps.id, stepUp.id));
    const signedIn = await openAccount(tx, {
      stepUp,
      provenUris: [stepUp.identifier, outcome.challenge.identifier],
      now,
      previousSessionToken: options.previousSessionToken,
    });
    return { ok: true, ...signedIn };
  });
}

/** "Use a different identifier": the code asked for is forgotten (it stays valid nowhere else: it was for this step-up). */
export async function forgetStepUpCode(db: Database, token: string | undefined, now: Date): Promise<void> {
  const stepUp = await findStepUp(db, token, now);
  if (!stepUp) return;
  await db.update(signInStepUps).set({ codeChallengeId: null }).where(eq(signInStepUps.id, stepUp.id));
}
