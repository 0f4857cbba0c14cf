import { getEnv } from "@/env";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { batchLookupMaxBytes } from "@/http/body-limits";
import { parseCsiInput, batchLookupRequestSchema } from "@mimi-discovery/msp-kit";
import { readJsonBody } from "@/http/read-json-body";
import { jsonAnswer, withApiKey } from "@/http/with-api-key";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";

export const dynamic = "force-dynamic";

/**
 * A whole address book in one request and one database round trip. Results come back in request order; an
 * invalid identifier gets an error in its slot only. Each distinct identifier costs one token; repeats are
 * answered in every slot and counted once.
 */
export const POST = withApiKey("msp", "lookup_batch", async ({ request, db, now, charge }) => {
  const { maxBatch } = getEnv();
  const body = await readJsonBody(request, batchLookupMaxBytes(maxBatch));
  const csis = (body as { csis?: unknown })?.csis;
  if (Array.isArray(csis) && csis.length > maxBatch) {
    throw new ApiError("batch_too_large", PROBLEM_DETAILS.batchTooLarge(maxBatch, csis.length), {}, { max_batch: maxBatch });
  }
  const input = batchLookupRequestSchema.parse(body);
  const slots = input.csis.map(parseCsiInput);
  const unique = [...new Set(slots.flatMap((slot) => (slot.ok ? [slot.csi.uri] : [])))];
  await charge(unique.length);
  const results = await lookupCsis(db, unique, now);
  const items = slots.map((slot, index) =>
    slot.ok ? serializeLookup(results.get(slot.csi.uri)!) : JSON.stringify({ input: input.csis[index], error: slot.error }),
  );
  return jsonAnswer(`{"results":[${items.join(",")}]}`);
});
