// No "server-only" marker: the custom server also runs this outside Next (lib/net/serve-web-handler.ts).
import { ZodError } from "zod";
import type { Database } from "../../db/client";
import { getDb } from "../../db/index";
import { isDatabaseUnavailable } from "../../db/errors";
import { getEnv } from "../../env";
import { authenticateApiKey, type AuthenticatedKey } from "../api-keys/manage-api-keys";
import { getBucketStore } from "../app/rate-limit-store";
import { now as clockNow } from "../clock";
import { RateLimitStoreUnavailable } from "../rate-limit/token-bucket";
import { ApiError, problemResponse } from "./api-error";
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
 * The one door for machine routes: parses `Authorization: Bearer`, finds the key by its hash, checks it may use
 * this route, gives the handler a metered `charge`, adds the RateLimit headers to whatever it answers, and turns
 * every failure into problem+json: ApiError as itself, ZodError as 422, a down database or limiter store as 503
 * (fail closed), anything else as a 500 that leaks nothing. Nothing here logs a request's content.
 */
export function withApiKey<Owner extends AuthenticatedKey["ownerKind"]>(
  owner: Owner,
  handler: (context: ApiContext<Owner>) => Promise<Response>,
): (request: Request) => Promise<Response> {
  return async (request) => {
    const origin = getEnv().publicOrigin;
    let limitHeaders: Record<string, string> = {};
    try {
      const token = /^Bearer ([^\s]+)$/u.exec(request.headers.get("authorization") ?? "")?.[1];
      if (!token) throw new ApiError("unauthorized", "Send your API key as Authorization: Bearer <key>.", { "www-authenticate": "Bearer" });
      const db = getDb();
      const key = await authenticateApiKey(db, token);
      if (!key) throw new ApiError("unauthorized", "The API key is unknown, revoked, or its owner was removed.", { "www-authenticate": 'Bearer error="invalid_token"' });
      if (key.ownerKind !== owner) {
        throw new ApiError("forbidden", owner === "msp" ? "This is a CSIP key; lookups need an MSP key." : "This is an MSP key; this route needs a CSIP key.");
      }
      const now = clockNow();
      const charge = async (cost: number) => {
        if (key.ownerKind !== "msp") return;
        const taken = await getBucketStore().take(`lookup:${key.mspId}`, cost, key.policy, now);
        limitHeaders = rateLimitHeaders(key.policy, taken);
        if (!taken.allowed) {
          throw new ApiError(
            "rate_limited",
            taken.retryAfterSeconds === null
              ? `This request looks up ${cost} identifiers, more than your limit allows at once (${key.policy.burst}). Split it.`
              : `Your lookup limit is spent. Try again in ${taken.retryAfterSeconds} seconds.`,
            taken.retryAfterSeconds === null ? {} : { "retry-after": String(taken.retryAfterSeconds) },
          );
        }
      };
      const response = await handler({ request, db, now, key: key as ApiContext<Owner>["key"], charge });
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return response;
    } catch (error) {
      return problemResponse(origin, toApiError(error, limitHeaders));
    }
  };
}

function toApiError(error: unknown, limitHeaders: Record<string, string>): ApiError {
  if (error instanceof ApiError) return new ApiError(error.code, error.detail, { ...limitHeaders, ...error.headers }, error.extra);
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    return new ApiError("invalid_value", issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; "), {}, { issues });
  }
  if (error instanceof RateLimitStoreUnavailable || isDatabaseUnavailable(error)) {
    return new ApiError("service_unavailable", "A dependency of this service is down. Nothing was done; try again shortly.", { "retry-after": "5" });
  }
  // Only the error's class: a query's message can carry the identifiers it was asked about.
  console.error("api: unexpected error", (error as Error)?.name ?? typeof error);
  return new ApiError("internal_error", "Something went wrong on our side. Nothing was changed.");
}
