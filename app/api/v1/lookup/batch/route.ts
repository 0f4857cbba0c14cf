import { getEnv } from "@/env";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { batchLookupMaxBytes } from "@/http/body-limits";
import { parseCsiInput, batchLookupRequestSchema } from "@mimi-discovery/msp-kit";
import { readJsonBody } from "@/http/read-json-body";
import { jsonAnswer, withApiKey } from "@/http/with-api-key";
import { deriveAppKeys } from "@/lib/crypto/app-keys";
import { lookupAcrossDps, serializeMerged } from "@/lib/federation/lookup-across-dps";

export const dynamic = "force-dynamic";

/**
 * A whole address book in one request and one database round trip. Results come back in request order; an
 * invalid identifier gets an error in its slot only. Each distinct identifier costs one token, forwarded ones
 * too (the peers charge this DP, and this DP its MSP); repeats are answered in every slot and counted once.
 */
export const POST = withApiKey("msp", "lookup_batch", async ({ request, db, now, charge }) => {
  const env = getEnv();
  const { maxBatch } = env;
  const body = await readJsonBody(request, batchLookupMaxBytes(maxBatch));
  const csis = (body as { csis?: unknown })?.csis;
  if (Array.isArray(csis) && csis.length > maxBatch) {
    throw new ApiError("batch_too_large", PROBLEM_DETAILS.batchTooLarge(maxBatch, csis.length), {}, { max_batch: maxBatch });
  }
  const input = batchLookupRequestSchema.parse(body);
  const slots = input.csis.map(parseCsiInput);
  const unique = [...new Set(slots.flatMap((slot) => (slot.ok ? [slot.csi.uri] : [])))];
  await charge(unique.length);
  const { results, report } = await lookupAcrossDps({ db, csis: unique, now, federation: env.federation, origin: env.publicOrigin, sealingKey: deriveAppKeys(env.authSecret).sealing, hops: 0 });
  const items = slots.map((slot, index) =>
    slot.ok ? serializeMerged(results.get(slot.csi.uri)!) : JSON.stringify({ input: input.csis[index], error: slot.error }),
  );
  return jsonAnswer(`{"results":[${items.join(",")}]${report ? `,"federation":${JSON.stringify(report)}` : ""}}`);
});
