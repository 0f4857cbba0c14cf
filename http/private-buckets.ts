import { readForLookup } from "@/db/lookup-reader";
import { bucketsRequestSchema, MAX_BUCKETS_PER_REQUEST } from "@mimi-discovery/msp-kit";
import { OprfRefused } from "@/lib/private/evaluate-blinded";
import { publishedOprfKeys } from "@/lib/private/published-oprf-keys";
import { readBuckets } from "@/lib/private/read-buckets";
import { ApiError } from "./problem";
import { readJsonBody } from "./read-json-body";
import { withPrivateToken } from "./with-private-token";

export const PRIVATE_BUCKETS_PATH = "/api/v1/private/buckets";
export const BUCKETS_MAX_BYTES = 1024;

/**
 * POST /api/v1/private/buckets, reached only through the OHTTP gateway (protocol section 7): every (tag, record) of
 * each requested bucket, padded by the documented rule (lib/private/read-buckets.ts). One token per request, so that
 * the records cannot be fetched in bulk for free; the records are useless without OPRF outputs, which cost a token
 * each. A bucket id says only that the CSI is one of the stored CSIs in that bucket, or none of them.
 */
export const privateBuckets = withPrivateToken(async ({ request, db, now, spend }) => {
  const input = bucketsRequestSchema.parse(await readJsonBody(request, BUCKETS_MAX_BYTES));
  if (input.buckets.length > MAX_BUCKETS_PER_REQUEST) {
    throw new ApiError("batch_too_large", `One request carries at most ${MAX_BUCKETS_PER_REQUEST} bucket ids.`, {}, { max_batch: MAX_BUCKETS_PER_REQUEST });
  }
  const answering = (keys: Awaited<ReturnType<typeof publishedOprfKeys>>) => keys.find((candidate) => candidate.epoch === input.epoch && candidate.state !== "building");
  // A key another instance activated since this one counted: look again before refusing.
  const key = answering(await publishedOprfKeys(db, now)) ?? answering(await publishedOprfKeys(db, now, { refresh: true }));
  if (!key) throw new OprfRefused(`The OPRF key of epoch ${input.epoch} does not answer: fetch the metadata again and use its active key.`);
  const answer = await readForLookup((source) => readBuckets(source, { epoch: key.epoch, bits: input.bucket_bits, publishedBits: key.bucket_bits, buckets: input.buckets }));
  await spend();
  return Response.json(answer, { headers: { "cache-control": "no-store" } });
});
