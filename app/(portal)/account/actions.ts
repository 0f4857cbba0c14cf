"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { addIdentifierWithCode } from "@/lib/accounts/add-identifier-with-code";
import { listIdentifiers } from "@/lib/accounts/list-identifiers";
import { reauthenticateWithCode } from "@/lib/accounts/reauthenticate-with-code";
import { removeIdentifier } from "@/lib/accounts/remove-identifier";
import { isFreshlyAuthenticated } from "@/lib/auth/session-rules";
import { clearChallenge, currentChallenge, readChallengeId, startCodeChallenge } from "@/web/code-challenge";
import { requireSession } from "@/web/current-session";
import { formAction, type FormState } from "@/web/form-action";
import { getAppKeys, getTextDeliverer } from "@/web/services";
import { sendNotice } from "@/lib/notifications/notify";
import { now } from "@/lib/clock";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { describeFailure, type ConsumeCodeOutcome } from "@/lib/otp/consume-code";
import type { OtpPurpose } from "@/db/schema";
import { codeField, identifierField, uuidField } from "@/lib/validations/sign-in";

const REAUTH_NEEDED: FormState = {
  tone: "error",
  message: "For your security, confirm it is you first (see “Confirm it is you” below).",
};

function codeFailure(outcome: Exclude<ConsumeCodeOutcome, { ok: true }>): FormState {
  return outcome.reason === "wrong_code"
    ? { errors: { code: describeFailure(outcome) } }
    : { tone: "error", message: describeFailure(outcome) };
}

// --- Re-authentication: a code to one of the account's own identifiers.

export const requestReauthCode = formAction(z.object({ identifierId: uuidField }), async ({ identifierId }) => {
  const session = await requireSession();
  const owned = (await listIdentifiers(getDb(), session.userId)).find((row) => row.id === identifierId);
  if (!owned) return { errors: { identifierId: "Choose one of your identifiers." } };
  const refused = await startCodeChallenge({
    csi: parseIdentifier(owned.uri),
    purpose: "reauthenticate",
    userId: session.userId,
    field: "identifierId",
  });
  if (refused) return refused;
  redirect("/account");
});

export const verifyReauthCode = formAction(z.object({ code: codeField }), async ({ code }) => {
  const session = await requireSession();
  const challengeId = await readChallengeId("reauthenticate");
  if (!challengeId) return { tone: "error", message: "This confirmation has ended. Start again." };
  const outcome = await reauthenticateWithCode({
    db: getDb(),
    keys: getAppKeys(),
    userId: session.userId,
    sessionToken: session.token,
    challengeId,
    code,
    now: now(),
  });
  if (!outcome.ok) return codeFailure(outcome);
  await clearChallenge("reauthenticate");
  redirect("/account");
});

// --- Adding an identifier: needs a fresh session, then a code to the new identifier.

export const requestAddIdentifierCode = formAction(
  () => z.object({ identifier: identifierField(getEnv().defaultPhoneRegion) }),
  async ({ identifier }) => {
    const session = await requireSession();
    if (!isFreshlyAuthenticated(session, now())) return REAUTH_NEEDED;
    const owned = await listIdentifiers(getDb(), session.userId);
    if (owned.some((row) => row.uri === identifier.uri)) {
      return { errors: { identifier: "This identifier is already on your account." }, values: { identifier: identifier.uri } };
    }
    const refused = await startCodeChallenge({
      csi: identifier,
      purpose: "add_identifier",
      userId: session.userId,
      field: "identifier",
    });
    if (refused) return refused;
    redirect("/account");
  },
);

export const verifyAddIdentifierCode = formAction(z.object({ code: codeField }), async ({ code }) => {
  const session = await requireSession();
  if (!isFreshlyAuthenticated(session, now())) return REAUTH_NEEDED;
  const challengeId = await readChallengeId("add_identifier");
  if (!challengeId) return { tone: "error", message: "This step has ended. Start again." };
  const outcome = await addIdentifierWithCode({
    db: getDb(),
    keys: getAppKeys(),
    userId: session.userId,
    challengeId,
    code,
    now: now(),
    issuer: getEnv().publicOrigin,
    sealingKey: getAppKeys().sealing,
  });
  if (!outcome.ok) return codeFailure(outcome);
  if (outcome.notice) await sendNotice(getDb(), getTextDeliverer(), outcome.notice).catch(() => undefined);
  await clearChallenge("add_identifier");
  redirect("/account?added=1");
});

// --- Resending and abandoning either code flow.


async function resend(purpose: OtpPurpose): Promise<FormState> {
  const session = await requireSession();
  const challenge = await currentChallenge(purpose, session.userId);
  if (!challenge) return { tone: "error", message: "This step has ended. Start again." };
  const refused = await startCodeChallenge({
    csi: parseIdentifier(challenge.identifier),
    purpose,
    userId: session.userId,
    field: "identifier",
  });
  return refused ?? { tone: "success", message: "A new code is on its way. The previous one no longer works." };
}

export const resendReauthCode = formAction(z.object({}), () => resend("reauthenticate"));
export const resendAddIdentifierCode = formAction(z.object({}), () => resend("add_identifier"));

export async function cancelReauth(): Promise<void> {
  await clearChallenge("reauthenticate");
  redirect("/account");
}

export async function cancelAddIdentifier(): Promise<void> {
  await clearChallenge("add_identifier");
  redirect("/account");
}

// --- Removing an identifier: needs a fresh session; the last one stays.

export const removeIdentifierAction = formAction(z.object({ identifierId: uuidField }), async ({ identifierId }) => {
  const session = await requireSession();
  if (!isFreshlyAuthenticated(session, now())) return REAUTH_NEEDED;
  const outcome = await removeIdentifier({ db: getDb(), userId: session.userId, identifierId, issuer: getEnv().publicOrigin, sealingKey: getAppKeys().sealing, now: now() });
  if (!outcome.ok) {
    return {
      tone: "error",
      message:
        outcome.reason === "last_identifier"
          ? "This is the only way you can sign in. Add another identifier before removing this one."
          : "That identifier is not on your account.",
    };
  }
  revalidatePath("/account");
  const ended = outcome.removedMappings;
  return {
    tone: "success",
    message:
      ended === 0
        ? "The identifier was removed from your account."
        : `The identifier was removed from your account, and its ${ended === 1 ? "mapping" : `${ended} mappings`} with it: lookups no longer find ${ended === 1 ? "it" : "them"}.`,
  };
});
