// No "server-only" marker: the custom server also runs this outside Next (server.ts, http/create-app-server.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Database } from "@/db/client";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import type { AuthenticatedKey } from "@/lib/api-keys/manage-api-keys";
import { answerAsResponse, fetchInput, nodeInput, responseAsAnswer, writeAnswer, type ApiAnswer, type ApiInput } from "./api-exchange";
import { getBucketStore } from "./bucket-store";
import { getKeyAuthenticator } from "./key-authenticator";
import { now as clockNow } from "@/lib/clock";
import { ApiError, problemDocument, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { observeRequest, unavailableDependency, type ApiRoute } from "./observe-request";
import { rateLimitHeaders } from "./rate-limit-headers";

export type ApiContext<Owner extends AuthenticatedKey["ownerKind"]> = {
  /** The request, whichever door it came in by (api-exchange.ts). */
  request: ApiInput;
  db: Database;
  now: Date;
  key: Extract<AuthenticatedKey, { ownerKind: Owner }>;
  /** Spends `cost` tokens of the caller's bucket, or throws a 429 that says when to come back. */
  charge: (cost: number) => Promise<void>;
};

/** A machine route with both its doors: Next's (a Fetch handler, the route's POST) and node:http's (`node`). */
export type ApiRouteHandler = ((request: Request) => Promise<Response>) & {
  node: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
};

/**
 * The one door for machine routes: parses `Authorization: Bearer`, finds the key by its hash (from memory when this
 * instance verified it lately: http/key-authenticator.ts), checks it may use this route, gives the handler a metered
 * `charge`, adds the RateLimit headers to whatever it answers, and turns every failure into problem+json: ApiError
 * as itself, ZodError as 422, a down database or limiter store as 503 (fail closed), anything else as a 500 that
 * leaks nothing. Nothing here logs a request's content.
 *
 * One handler, two doors: Next calls the Fetch one; the custom server calls `node` with node:http's request and
 * response, so the lookup hot path converts nothing to and from Fetch objects. Both run the same code below.
 */
export function withApiKey<Owner extends AuthenticatedKey["ownerKind"]>(
  owner: Owner,
  route: ApiRoute,
  handler: (context: ApiContext<Owner>) => Promise<ApiAnswer | Response>,
): ApiRouteHandler {
  const answer = async (request: ApiInput): Promise<ApiAnswer> => {
    const started = performance.now();
    const origin = getEnv().publicOrigin;
    let limitHeaders: Record<string, string> = {};
    let mspId: string | null = null;
    let charged = 0;
    const observed = (result: ApiAnswer, error?: unknown) => {
      observeRequest({ route, status: result.status, seconds: (performance.now() - started) / 1000, mspId, identifiers: charged, dependency: unavailableDependency(error), now: clockNow() });
      return result;
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
      const result = await handler({ request, db, now, key: key as ApiContext<Owner>["key"], charge });
      const plain = result instanceof Response ? await responseAsAnswer(result) : result;
      return observed({ ...plain, headers: { ...plain.headers, ...limitHeaders } });
    } catch (error) {
      const refusal = toApiError(error);
      // A refusal after a charge still tells the caller where its bucket stands.
      return observed(problemDocument(origin, new ApiError(refusal.code, refusal.detail, { ...limitHeaders, ...refusal.headers }, refusal.extra)), error);
    }
  };
  const fetchDoor = async (request: Request) => answerAsResponse(await answer(fetchInput(request)));
  return Object.assign(fetchDoor, {
    node: async (req: IncomingMessage, res: ServerResponse) => {
      const input = nodeInput(req);
      const result = await answer(input);
      writeAnswer(res, result, { close: input.tooLarge });
    },
  });
}

/** A JSON answer of a machine route. */
export function jsonAnswer(body: string): ApiAnswer {
  return { status: 200, headers: { "content-type": "application/json", "cache-control": "no-store" }, body };
}
