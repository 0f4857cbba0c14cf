"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now } from "@/lib/clock";
import { logFailure } from "@/lib/log/log-failure";
import { sendNotice } from "@/lib/notifications/notify";
import { describeFailure } from "@/lib/otp/consume-code";
import { findChallenge } from "@/lib/otp/find-challenge";
import { OtpError } from "@/lib/otp/otp-error";
import { abandonStepUp } from "@/lib/step-up/abandon-step-up";
import { claimAsNewHolder } from "@/lib/step-up/claim-as-new-holder";
import { finishCodeStepUp, forgetStepUpCode, requestStepUpCode } from "@/lib/step-up/code-step-up";
import { confirmOwnAccount } from "@/lib/step-up/confirm-own-account";
import { findStepUp } from "@/lib/step-up/take-step-up";
import { StepUpError } from "@/lib/step-up/step-up-error";
import { codeField, identifierField } from "@/lib/validations/sign-in";
import { parseIdentifier, type Csi } from "@mimi-discovery/msp-kit";
import { getCurrentSession } from "@/web/current-session";
import { formAction, type FormState } from "@/web/form-action";
import { getAppKeys, getClientIp, getDeliverer, getTextDeliverer } from "@/web/services";
import { setSessionCookie } from "@/web/session-cookie-store";
import { clearStepUpCookie, readStepUpToken } from "@/web/step-up-cookie";

/** Sends the code for the step-up; a refusal of the identifier sits beside the field. */
async function sendStepUpCode(csi: Csi): Promise<FormState | null> {
  try {
    await requestStepUpCode({
      db: getDb(),
      keys: getAppKeys(),
      token: await readStepUpToken(),
      csi,
      clientIp: await getClientIp(),
      phoneRegions: getEnv().phoneRegions,
      now: now(),
      deliver: getDeliverer(),
    });
    return null;
  } catch (error) {
    const beside = (error instanceof OtpError && (error.code === "region_not_served" || error.code === "unsupported_line_type")) || (error instanceof StepUpError && error.code === "same_identifier");
    if (beside) return { errors: { identifier: (error as Error).message }, values: { identifier: csi.uri.replace(/^(tel:|mailto:)/u, "") } };
    if (error instanceof OtpError && error.code === "delivery_failed") logFailure("step-up code delivery", error.cause);
    throw error;
  }
}

export const requestStepUpCodeAction = formAction(
  () => z.object({ identifier: identifierField(getEnv().defaultPhoneRegion) }),
  async ({ identifier }) => {
    const refused = await sendStepUpCode(identifier);
    if (refused) return refused;
    redirect("/sign-in/confirm");
  },
);

export const resendStepUpCodeAction = formAction(z.object({}), async () => {
  const stepUp = await findStepUp(getDb(), await readStepUpToken(), now());
  if (!stepUp?.codeChallengeId) throw new StepUpError("ended");
  const challenge = await findChallenge(getDb(), { challengeId: stepUp.codeChallengeId, purpose: "step_up", userId: stepUp.userId, now: now() });
  if (!challenge) throw new StepUpError("no_code");
  const refused = await sendStepUpCode(parseIdentifier(challenge.identifier));
  return refused ?? { tone: "success", message: "A new code is on its way, if that identifier is on this account. The previous one no longer works." };
});

export const verifyStepUpCodeAction = formAction(z.object({ code: codeField }), async ({ code }) => {
  const outcome = await finishCodeStepUp({
    db: getDb(),
    keys: getAppKeys(),
    token: await readStepUpToken(),
    code,
    now: now(),
    previousSessionToken: (await getCurrentSession())?.token,
  });
  if (!outcome.ok) {
    return outcome.reason === "wrong_code" ? { errors: { code: describeFailure(outcome) } } : { tone: "error", message: describeFailure(outcome) };
  }
  await setSessionCookie(outcome.session);
  await clearStepUpCookie();
  redirect("/account");
});

export async function chooseAnotherIdentifier(): Promise<void> {
  await forgetStepUpCode(getDb(), await readStepUpToken(), now());
  redirect("/sign-in/confirm");
}

export const confirmOwnAccountAction = formAction(z.object({}), async () => {
  const { session } = await confirmOwnAccount({ db: getDb(), token: await readStepUpToken(), now: now(), previousSessionToken: (await getCurrentSession())?.token });
  await setSessionCookie(session);
  await clearStepUpCookie();
  redirect("/account");
});

export const claimAsNewHolderAction = formAction(z.object({}), async () => {
  const env = getEnv();
  const claimed = await claimAsNewHolder({
    db: getDb(),
    token: await readStepUpToken(),
    now: now(),
    issuer: env.publicOrigin,
    sealingKey: getAppKeys().sealing,
    previousSessionToken: (await getCurrentSession())?.token,
  });
  await setSessionCookie(claimed.session);
  await clearStepUpCookie();
  // After commit, best effort: the previous holder's portal shows the notice anyway.
  if (claimed.notice) await sendNotice(getDb(), getTextDeliverer(), claimed.notice).catch(() => undefined);
  redirect("/account?welcome=1&moved=1");
});

export async function abandonStepUpAction(): Promise<void> {
  await abandonStepUp(getDb(), await readStepUpToken());
  await clearStepUpCookie();
  redirect("/sign-in");
}
