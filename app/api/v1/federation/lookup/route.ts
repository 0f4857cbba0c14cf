import { getEnv } from "@/env";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { batchLookupMaxBytes } from "@/http/body-limits";
import { withPeerSignature } from "@/http/with-peer-signature";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { lookupAcrossDps, serializeMerged } from "@/lib/federation/lookup-across-dps";
import { batchLookupRequestSchema, parseCsiInput } from "@mimi-discovery/msp-kit";

export const dynamic = "force-dynamic";

/**
 * A peer DP's batch lookup (protocol section 8): the body of section 4's batch, answered only to DPs of the
 * directory, each charged to its own limits. The answer is the same as an MSP's, plus what could not be asked;
 * the asker is never an MSP, so nothing here can name one.
 */
export const POST = withPeerSignature(batchLookupMaxBytes(getEnv().maxBatch), async ({ db, now, peer, hops, body, charge }) => {
  const env = getEnv();
  const csis = (body as { csis?: unknown })?.csis;
  if (Array.isArray(csis) && csis.length > env.maxBatch) {
    throw new ApiError("batch_too_large", PROBLEM_DETAILS.batchTooLarge(env.maxBatch, csis.length), {}, { max_batch: env.maxBatch });
  }
  const input = batchLookupRequestSchema.parse(body);
  const slots = input.csis.map(parseCsiInput);
  const unique = [...new Set(slots.flatMap((slot) => (slot.ok ? [slot.csi.uri] : [])))];
  await charge(unique.length);
  const { results, report } = await lookupAcrossDps({ db, csis: unique, now, federation: env.federation, origin: env.publicOrigin, sealingKey: deriveAppKeys(env.authSecret).sealing, hops, askedBy: peer.issuer });
  const items = slots.map((slot, index) => (slot.ok ? serializeMerged(results.get(slot.csi.uri)!) : JSON.stringify({ input: input.csis[index], error: slot.error })));
  return new Response(`{"results":[${items.join(",")}]${report ? `,"federation":${JSON.stringify(report)}` : ""}}`, { headers: { "content-type": "application/json", "cache-control": "no-store" } });
});
