"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/index";
import { listIdentifiers } from "@/lib/accounts/list-identifiers";
import { isFreshlyAuthenticated } from "@/lib/auth/session-rules";
import { requireSession } from "@/web/current-session";
import { formAction } from "@/web/form-action";
import { jsonAction } from "@/web/json-action";
import { getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { displayIdentifier } from "@/lib/identifiers/display";
import { removePasskey } from "@/lib/passkeys/manage-passkeys";
import { finishPasskeyRegistration, startPasskeyRegistration } from "@/lib/passkeys/register-passkey";
import { passkeyNameField, registrationResponseSchema } from "@/lib/validations/webauthn";
import { uuidField } from "@/lib/validations/sign-in";

const NOT_FRESH: { ok: false; message: string; errors?: Record<string, string> } = {
  ok: false,
  message: "For your security, confirm it is you first: on your account page, under “Confirm it is you”.",
};

/** With `identifierId`, the passkey will be that identifier's own: it alone signs that identifier's mappings. */
export const startPasskeyRegistrationAction = jsonAction(z.object({ name: passkeyNameField, identifierId: uuidField.optional() }), async ({ identifierId }) => {
  const session = await requireSession();
  if (!isFreshlyAuthenticated(session, now())) return NOT_FRESH;
  const identifiers = await listIdentifiers(getDb(), session.userId);
  // The authenticator shows this name in its list of passkeys: the identifier itself for one of its own.
  const named = identifiers.find((row) => row.id === identifierId) ?? identifiers[0];
  const started = await startPasskeyRegistration({
    db: getDb(),
    rp: getRelyingParty(),
    userId: session.userId,
    userName: named ? displayIdentifier(named.uri) : "mimi-discovery account",
    identifierId,
    now: now(),
  });
  return { ok: true, ...started };
});

export const finishPasskeyRegistrationAction = jsonAction(
  z.object({ challengeId: uuidField, name: passkeyNameField, response: registrationResponseSchema }).strict(),
  async ({ challengeId, name, response }) => {
    const session = await requireSession();
    if (!isFreshlyAuthenticated(session, now())) return NOT_FRESH;
    await finishPasskeyRegistration({ db: getDb(), rp: getRelyingParty(), userId: session.userId, challengeId, name, response, now: now() });
    revalidatePath("/account");
    revalidatePath("/mappings/new");
    return { ok: true };
  },
);

export const removePasskeyAction = formAction(z.object({ passkeyId: uuidField }), async ({ passkeyId }) => {
  const session = await requireSession();
  if (!isFreshlyAuthenticated(session, now())) return { tone: "error", message: NOT_FRESH.message };
  const removed = await removePasskey({ db: getDb(), userId: session.userId, passkeyId, now: now() });
  if (!removed) return { tone: "error", message: "That passkey is not on your account." };
  revalidatePath("/account");
  return { tone: "success", message: "The passkey was removed. It can no longer sign in or sign mappings." };
});
