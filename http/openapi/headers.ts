import type { OpenApiHeader, Ref } from "@/http/openapi/types";

/**
 * The response headers the API sends, described once in components.headers; responses name them by $ref so that
 * the reference page can link each to its one explanation.
 */
export const RESPONSE_HEADERS = {
  "RateLimit-Limit": { description: "The size of the MSP's bucket: how many identifiers it may look up at once when the bucket is full.", schema: { type: "integer", minimum: 1 } },
  "RateLimit-Remaining": { description: "Tokens left after this request: how many identifiers may be looked up now.", schema: { type: "integer", minimum: 0 } },
  "RateLimit-Reset": { description: "Seconds until the bucket is full again.", schema: { type: "integer", minimum: 0 } },
  "RateLimit-Policy": { description: 'The bucket as "<size>;w=<seconds an empty bucket takes to refill>", such as 1000;w=60.', schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } },
  "WWW-Authenticate": { description: 'The Bearer challenge: Bearer, or Bearer error="invalid_token" for a key that is not accepted.', schema: { type: "string" } },
  "Idempotent-Replayed": {
    description: "true when this is the stored answer to an earlier request with the same Idempotency-Key: nothing was done again. Absent on a first answer.",
    schema: { type: "string", const: "true" },
  },
} as const satisfies Record<string, OpenApiHeader>;

export type ResponseHeaderName = keyof typeof RESPONSE_HEADERS;

export const RATE_LIMIT_HEADERS: ResponseHeaderName[] = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

export function headerRefs(...names: ResponseHeaderName[]): Record<string, Ref> {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}
