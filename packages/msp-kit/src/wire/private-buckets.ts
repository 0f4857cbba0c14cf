import { z } from "zod";

/**
 * Protocol section 7, OPRF-keyed buckets: the inner requests a client sends through the OHTTP gateway. Limits are
 * the DP's (the metadata repeats them): a batch must fit one encapsulated request with a token per element.
 */
export const MAX_EVALUATE_BATCH = 64;
export const MAX_BUCKETS_PER_REQUEST = 8;

const base64url = z.string().regex(/^[A-Za-z0-9_-]*$/u, "must be base64url without padding");
const element = base64url.length(43).describe("A ristretto255 element (32 bytes), base64url");
/** A type 2 token is 354 bytes: 472 characters of base64url, with padding as in Authorization (RFC 9577). */
const token = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/u, "must be base64url").max(600);

export const evaluateRequestSchema = z
  .strictObject({
    epoch: z.number().int().min(1).describe("The OPRF key the elements are for: an epoch the metadata lists as active or retiring"),
    blinded: z.array(element).min(1).describe(`Blinded elements, at most ${MAX_EVALUATE_BATCH}`),
    tokens: z.array(token).describe("One Privacy Pass token per blinded element beyond the first; the first is in Authorization"),
  })
  .meta({ id: "OprfEvaluateRequest", description: "A batch of blinded CSIs (RFC 9497 BlindEvaluate), one token's worth per element" });

export const evaluateResponseSchema = z
  .strictObject({
    epoch: z.number().int(),
    evaluated: z.array(element).describe("The evaluated elements, in request order"),
    proof: base64url.length(86).describe("The batch's DLEQ proof (RFC 9497 section 2.2), 64 bytes"),
  })
  .meta({ id: "OprfEvaluateResponse", description: "Evaluated elements and one proof that the published key made them all" });

export const bucketsRequestSchema = z
  .strictObject({
    epoch: z.number().int().min(1),
    bucket_bits: z.number().int().min(0).max(32).describe("The bucket_bits the ids were computed with: the key's published value, or one less"),
    buckets: z.array(z.number().int().min(0)).min(1).describe(`Bucket ids below 2^bucket_bits, at most ${MAX_BUCKETS_PER_REQUEST}`),
  })
  .meta({ id: "BucketsRequest", description: "The buckets whose records the client wants" });

export const bucketsResponseSchema = z
  .strictObject({
    epoch: z.number().int(),
    bucket_bits: z.number().int(),
    buckets: z.array(
      z.strictObject({
        bucket: z.number().int(),
        records: z.array(z.strictObject({ tag: base64url.length(22), record: base64url })).describe("Every record of the bucket, and dummy records, in an order that says nothing"),
      }),
    ),
  })
  .meta({ id: "BucketsResponse", description: "Every (tag, record) of each bucket, padded by the documented rule" });

export type EvaluateRequest = z.output<typeof evaluateRequestSchema>;
export type EvaluateResponse = z.output<typeof evaluateResponseSchema>;
export type BucketsRequest = z.output<typeof bucketsRequestSchema>;
export type BucketsResponse = z.output<typeof bucketsResponseSchema>;
