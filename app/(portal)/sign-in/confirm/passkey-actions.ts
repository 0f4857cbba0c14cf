"use server";

import { z } from "zod";
import { getDb } from "@/db/index";
import { now } from "@/lib/clock";
import { finishPasskeyStepUp, startPasskeyStepUp } from "@/lib/step-up/passkey-step-up";
import { uuidField } from "@/lib/validations/sign-in";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { getCurrentSession } from "@/web/current-session";
import { jsonAction } from "@/web/json-action";
import { getRelyingParty } from "@/web/services";
import { setSessionCookie } from "@/web/session-cookie-store";
import { clearStepUpCookie, readStepUpToken } from "@/web/step-up-cookie";

export const startPasskeyStepUpAction = jsonAction(z.object({}).strict(), async () => {
  return { ok: true, ...(await startPasskeyStepUp({ db: getDb(), rp: getRelyingParty(), token: await readStepUpToken(), now: now() })) };
});

export const finishPasskeyStepUpAction = jsonAction(
  z.object({ challengeId: uuidField, response: authenticationResponseSchema }).strict(),
  async ({ challengeId, response }) => {
    const { session } = await finishPasskeyStepUp({
      db: getDb(),
      rp: getRelyingParty(),
      token: await readStepUpToken(),
      challengeId,
      response,
      now: now(),
      previousSessionToken: (await getCurrentSession())?.token,
    });
    await setSessionCookie(session);
    await clearStepUpCookie();
    return { ok: true };
  },
);
