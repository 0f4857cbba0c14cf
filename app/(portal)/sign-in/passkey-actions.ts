"use server";

import { z } from "zod";
import { getDb } from "@/db/index";
import { getCurrentSession } from "@/web/current-session";
import { jsonAction } from "@/web/json-action";
import { setSessionCookie } from "@/web/session-cookie-store";
import { getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { signInWithPasskey, startPasskeySignIn } from "@/lib/passkeys/sign-in-with-passkey";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { uuidField } from "@/lib/validations/sign-in";

export const startPasskeySignInAction = jsonAction(z.object({}).strict(), async () => {
  return { ok: true, ...(await startPasskeySignIn({ db: getDb(), rp: getRelyingParty(), now: now() })) };
});

export const finishPasskeySignInAction = jsonAction(
  z.object({ challengeId: uuidField, response: authenticationResponseSchema }).strict(),
  async ({ challengeId, response }) => {
    const previous = await getCurrentSession();
    const { session } = await signInWithPasskey({
      db: getDb(),
      rp: getRelyingParty(),
      challengeId,
      response,
      now: now(),
      previousSessionToken: previous?.token,
    });
    await setSessionCookie(session);
    return { ok: true };
  },
);
