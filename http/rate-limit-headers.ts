import type { BucketPolicy, TakeResult } from "@/lib/rate-limit/token-bucket";

/** The RateLimit header fields (draft-ietf-httpapi-ratelimit-headers): limit, what is left, seconds to full. */
export function rateLimitHeaders(policy: BucketPolicy, taken: TakeResult): Record<string, string> {
  const window = Math.ceil(policy.burst / policy.refillPerSecond);
  return {
    "ratelimit-limit": String(policy.burst),
    "ratelimit-remaining": String(Math.max(0, taken.remaining)),
    "ratelimit-reset": String(taken.resetSeconds),
    "ratelimit-policy": `${policy.burst};w=${window}`,
  };
}
