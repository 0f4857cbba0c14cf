import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { ApiError } from "@/http/problem";
import { withPeerSignature } from "@/http/with-peer-signature";
import { now } from "@/lib/clock";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { createTextDeliverer } from "@/lib/delivery/create-deliverer";
import { applyInvalidation } from "@/lib/federation/apply-invalidation";
import { sendNotice } from "@/lib/notifications/notify";

export const dynamic = "force-dynamic";

const REFUSAL_CODES = { malformed: "invalid_value", not_fresh: "invalid_value", unverified: "invalid_value", not_own: "forbidden", not_authoritative: "forbidden", stale: "conflict" } as const;

/**
 * A peer's signed invalidation (protocol section 8): its fresh mapping, which de-lists the older mappings of that
 * CSI stored here. 200 with how many were de-listed (0 when none are held here); refusals change nothing.
 */
export const POST = withPeerSignature(64 * 1024, async ({ db, now: at, directory, peer, body }) => {
  const env = getEnv();
  const outcome = await applyInvalidation({ db, directory, peer, body, issuer: env.publicOrigin, sealingKey: deriveAppKeys(env.authSecret).sealing, now: at });
  if (!outcome.ok) throw new ApiError(REFUSAL_CODES[outcome.refusal], outcome.detail);
  if (outcome.notices.length > 0) {
    // After the commit, best effort: the portal already holds each notice.
    const deliverText = createTextDeliverer({ db: getDb(), origin: env.publicOrigin, smtp: env.smtp, smsGateway: env.smsGateway, now });
    await Promise.allSettled(outcome.notices.map((notice) => sendNotice(db, deliverText, notice)));
  }
  return Response.json({ delisted: outcome.delisted }, { headers: { "cache-control": "no-store" } });
});
