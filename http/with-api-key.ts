// No "server-only" marker: the custom server also runs this outside Next (http/serve-web-handler.ts).
import type { Database } from "@/db/client";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import type { AuthenticatedKey } from "@/lib/api-keys/manage-api-keys";
import { getBucketStore } from "./bucket-store";
import { getKeyAuthenticator } from "./key-authenticator";
import { now as clockNow } from "@/lib/clock";
import { ApiError, problemResponse, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { observeRequest, unavailableDependency, type ApiRoute } from "./observe-request";
import { rateLimitHeaders } from "./rate-limit-headers";

export type ApiContext<Owner extends AuthenticatedKey["ownerKind"]> = {
  request: Request;
  db: Database;
  now: Date;
  key: Extract<AuthenticatedKey, { ownerKind: Owner }>;
  /** Spends `cost` tokens of the caller's bucket, or throws a 429 that says when to come back. */
  charge: (cost: number) => Promise<void>;
};

/**
 * The one door for machine routes: parses `Authorization: Bearer`, finds the key by its hash (from memory when this
 * instance verified it lately: http/key-authenticator.ts), checks it may use this route, gives the handler a metered
 * `charge`, adds the RateLimit headers to whatever it answers, and turns every failure into problem+json: ApiError as itself, ZodError as 422, a down database or limiter store as 503
 * (fail closed), anything else as a 500 that leaks nothing. Nothing here logs a request's content.
 */
export function withApiKey<Owner extends AuthenticatedKey["ownerKind"]>(
  owner: Owner,
  route: ApiRoute,
  handler: (context: ApiContext<Owner>) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const started = performance.now();
    const origin = getEnv().publicOrigin;
    let limitHeaders: Record<string, string> = {};
    let mspId: string | null = null;
    let charged = 0;
    const observed = (response: Response, error?: unknown) => {
      observeRequest({ route, status: response.status, seconds: (performance.now() - started) / 1000, mspId, identifiers: charged, dependency: unavailableDependency(error), now: clockNow() });
      return response;
    };
    try {
      const token = /^Bearer ([^\s]+)$/u.exec(request.headers.get("authorization") ?? "")?.[1];
      if (!token) throw new ApiError("unauthorized", PROBLEM_DETAILS.missingApiKey, { "www-authenticate": "Bearer" });
      const db = getDb();
      const key = await getKeyAuthenticator().authenticate(token);
      if (!key) throw new ApiError("unauthorized", PROBLEM_DETAILS.invalidApiKey, { "www-authenticate": 'Bearer error="invalid_token"' });
      if (key.ownerKind !== owner) {
        throw new ApiError("forbidden", owner === "msp" ? PROBLEM_DETAILS.csipKeyForLookup : PROBLEM_DETAILS.mspKeyForCsipRoute);
      }
      const now = clockNow();
      if (key.ownerKind === "msp") mspId = key.mspId;
      const charge = async (cost: number) => {
        if (key.ownerKind !== "msp") return;
        const taken = await getBucketStore().take(`lookup:${key.mspId}`, cost, key.policy, now);
        limitHeaders = rateLimitHeaders(key.policy, taken);
        if (!taken.allowed) {
          throw new ApiError(
            "rate_limited",
            taken.retryAfterSeconds === null
              ? PROBLEM_DETAILS.costAboveBurst(cost, key.policy.burst)
              : PROBLEM_DETAILS.lookupLimitSpent(taken.retryAfterSeconds),
            taken.retryAfterSeconds === null ? {} : { "retry-after": String(taken.retryAfterSeconds) },
          );
        }
        charged += cost;
      };
      const response = await handler({ request, db, now, key: key as ApiContext<Owner>["key"], charge });
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return observed(response);
    } catch (error) {
      const refusal = toApiError(error);
      // A refusal after a charge still tells the caller where its bucket stands.
      return observed(problemResponse(origin, new ApiError(refusal.code, refusal.detail, { ...limitHeaders, ...refusal.headers }, refusal.extra)), error);
    }
  };
}
