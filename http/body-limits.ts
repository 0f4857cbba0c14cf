/** Request size limits of the lookup API, shared by the routes and the OpenAPI document. */
export const SINGLE_LOOKUP_MAX_BYTES = 4 * 1024;

/** Room for max_batch identifiers of the longest legal length, and no more. */
export function batchLookupMaxBytes(maxBatch: number): number {
  return 1024 + maxBatch * 300;
}
