"use server";

import { redirect } from "next/navigation";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { signInWithCode } from "@/lib/accounts/sign-in-with-code";
import { clearChallenge, currentChallenge, readChallengeId, startCodeChallenge } from "@/web/code-challenge";
import { getCurrentSession } from "@/web/current-session";
import { formAction } from "@/web/form-action";
import { setSessionCookie } from "@/web/session-cookie-store";
import { setStepUpCookie } from "@/web/step-up-cookie";
import { getAppKeys } from "@/web/services";
import { now } from "@/lib/clock";
import { parseIdentifier } from "@mimi-discovery/msp-kit";
import { describeFailure } from "@/lib/otp/consume-code";
import { codeField, identifierField } from "@/lib/validations/sign-in";

export const requestSignInCode = formAction(
  () => z.object({ identifier: identifierField(getEnv().defaultPhoneRegion) }),
  async ({ identifier }) => {
    const refused = await startCodeChallenge({ csi: identifier, purpose: "sign_in", field: "identifier" });
    if (refused) return refused;
    redirect("/sign-in");
  },
);

export const verifySignInCode = formAction(z.object({ code: codeField }), async ({ code }) => {
  const challengeId = await readChallengeId("sign_in");
  if (!challengeId) return { tone: "error", message: "This sign-in attempt has ended. Start again." };
  const previous = await getCurrentSession();
  const outcome = await signInWithCode({
    db: getDb(),
    keys: getAppKeys(),
    challengeId,
    code,
    now: now(),
    previousSessionToken: previous?.token,
  });
  if (!outcome.ok) {
    return outcome.reason === "wrong_code"
      ? { errors: { code: describeFailure(outcome) } }
      : { tone: "error", message: describeFailure(outcome) };
  }
  await clearChallenge("sign_in");
  if (outcome.status === "step_up") {
    // The code was right, but it does not open this account alone: the next step, before anything of it is shown.
    await setStepUpCookie(outcome.stepUp);
    redirect("/sign-in/confirm");
  }
  await setSessionCookie(outcome.session);
  redirect(outcome.newAccount ? "/account?welcome=1" : "/account");
});

export const resendSignInCode = formAction(z.object({}), async () => {
  const challenge = await currentChallenge("sign_in");
  if (!challenge) return { tone: "error", message: "This sign-in attempt has ended. Start again." };
  const refused = await startCodeChallenge({ csi: parseIdentifier(challenge.identifier), purpose: "sign_in", field: "identifier" });
  if (refused) return refused;
  return { tone: "success", message: "A new code is on its way. The previous one no longer works." };
});

export async function startSignInOver(): Promise<void> {
  await clearChallenge("sign_in");
  redirect("/sign-in");
}
