import { MAX_REMOVAL_ITEMS } from "@mimi-discovery/msp-kit";

/** Request size limits of the API, shared by the routes and the OpenAPI document. */
export const SINGLE_LOOKUP_MAX_BYTES = 4 * 1024;

/** Room for max_batch identifiers of the longest legal length, and no more. */
export function batchLookupMaxBytes(maxBatch: number): number {
  return 1024 + maxBatch * 300;
}

/** Room for the most items a removal request may carry, each with a long identifier, reason and receiving CSIP. */
export const CSIP_REMOVAL_MAX_BYTES = 64 + MAX_REMOVAL_ITEMS * 700;

/** Room to tell a TokenRequest of the wrong size (a 422, RFC 9578 section 6.2) from a flood (a 413). */
export const TOKEN_REQUEST_MAX_BYTES = 1024;

/** The most tokens one generic batch request may ask for (draft-ietf-privacypass-batched-tokens section 6). */
export const MAX_TOKEN_BATCH = 1000;

/** A batch of MAX_TOKEN_BATCH TokenRequests of 259 bytes, and its length prefix. */
export const TOKEN_BATCH_MAX_BYTES = 8 + MAX_TOKEN_BATCH * 259;
