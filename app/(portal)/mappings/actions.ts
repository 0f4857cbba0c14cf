"use server";

import { z } from "zod";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { requireSession } from "@/web/current-session";
import { jsonAction } from "@/web/json-action";
import { getAppKeys, getRelyingParty } from "@/web/services";
import { now } from "@/lib/clock";
import { mappingDraftSchema } from "@/lib/mappings/draft-schema";
import { prepareMapping } from "@/lib/mappings/prepare-mapping";
import { publishMapping } from "@/lib/mappings/publish-mapping";
import { regionDpFor } from "@/lib/federation/region-dp";
import { authenticationResponseSchema } from "@/lib/validations/webauthn";
import { uuidField } from "@/lib/validations/sign-in";

/** Step one of publishing: the server builds the exact document and the passkey challenge that signs it. */
export const prepareMappingAction = jsonAction(mappingDraftSchema, async (draft) => {
  const session = await requireSession();
  const env = getEnv();
  const prepared = await prepareMapping({
    db: getDb(),
    rp: getRelyingParty(),
    issuer: env.publicOrigin,
    userId: session.userId,
    draft,
    ttlDays: env.mappingTtlDays,
    now: now(),
    residency: { rule: env.federation.residency, regionDp: (csi) => regionDpFor(env.federation, csi) },
  });
  return { ok: true, ...prepared };
});

/** Step two: the passkey's assertion over the document's digest; verified, bound and stored. */
export const publishMappingAction = jsonAction(
  z.object({ challengeId: uuidField, response: authenticationResponseSchema }).strict(),
  async ({ challengeId, response }) => {
    const session = await requireSession();
    const row = await publishMapping({
      db: getDb(),
      rp: getRelyingParty(),
      issuer: getEnv().publicOrigin,
      sealingKey: getAppKeys().sealing,
      userId: session.userId,
      challengeId,
      response,
      now: now(),
      residency: getEnv().federation.residency,
    });
    return { ok: true, mappingId: row.id, seq: row.seq };
  },
);
