"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { requireSession } from "@/web/current-session";
import { jsonAction } from "@/web/json-action";
import { getAppKeys, getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { finishRecipientRemoval, startRecipientRemoval } from "@/lib/removals/recipient-removal";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { uuidField } from "@/lib/validations/sign-in";

export const startRemovalAction = jsonAction(z.object({ mappingIds: z.array(uuidField).min(1).max(50) }).strict(), async ({ mappingIds }) => {
  const session = await requireSession();
  return { ok: true, ...(await startRecipientRemoval({ db: getDb(), rp: getRelyingParty(), userId: session.userId, mappingIds, now: now() })) };
});

export const finishRemovalAction = jsonAction(
  z.object({ challengeId: uuidField, response: authenticationResponseSchema }).strict(),
  async ({ challengeId, response }) => {
    const session = await requireSession();
    const removed = await finishRecipientRemoval({
      db: getDb(),
      rp: getRelyingParty(),
      issuer: getEnv().publicOrigin,
      sealingKey: getAppKeys().sealing,
      userId: session.userId,
      challengeId,
      response,
      now: now(),
    });
    revalidatePath("/mappings");
    return { ok: true, removed };
  },
);
