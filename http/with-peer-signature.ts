// No "server-only" marker: the custom server also runs this outside Next (http/serve-web-handler.ts).
import type { Database } from "@/db/client";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now as clockNow } from "@/lib/clock";
import { loadDirectory } from "@/lib/federation/load-directory";
import { recordPeerAsked } from "@/lib/federation/peer-status";
import { verifyPeerRequest } from "@/lib/federation/verify-peer-request";
import { DirectoryError, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";
import { getBucketStore } from "./bucket-store";
import { ApiError, problemResponse, toApiError } from "./problem";
import { PROBLEM_DETAILS } from "./problem-details";
import { rateLimitHeaders } from "./rate-limit-headers";
import { readBodyBytes } from "./read-json-body";

export type PeerContext = {
  db: Database;
  now: Date;
  directory: Directory;
  /** The DP that asked, authenticated by its RFC 9421 signature under a key its directory entry points to. */
  peer: DirectoryDp;
  /** How many DPs the request has passed through, the asker included. */
  hops: number;
  body: unknown;
  /** Spends `cost` tokens of the asking DP's bucket (limits per peer DP, as per MSP), or throws a 429. */
  charge: (cost: number) => Promise<void>;
};

/**
 * The door for DP-to-DP routes (protocol section 8): the body read within `maxBytes`, the request authenticated as
 * a DP of the directory (verifyPeerRequest; 401 with WWW-Authenticate: Signature otherwise, nothing changed), the
 * hop limit applied, a metered `charge` per peer DP, and every failure as problem+json.
 */
export function withPeerSignature(maxBytes: number, handler: (context: PeerContext) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    const env = getEnv();
    let limitHeaders: Record<string, string> = {};
    try {
      const now = clockNow();
      let trusted;
      try {
        trusted = await loadDirectory(env.federation, now);
      } catch (error) {
        if (error instanceof DirectoryError) throw new ApiError("service_unavailable", PROBLEM_DETAILS.directoryUntrusted(error.message), { "retry-after": "60" });
        throw error;
      }
      if (!trusted) throw new ApiError("not_found", PROBLEM_DETAILS.noFederation);
      const body = await readBodyBytes(request, maxBytes);
      const db = getDb();
      const verified = await verifyPeerRequest({ db, directory: trusted.directory, method: request.method, url: request.url, headers: request.headers, body, now });
      if (!verified.ok) throw new ApiError("signature_invalid", verified.detail, { "www-authenticate": 'Signature realm="mimi-federation"' });
      if (verified.hops > env.federation.maxHops) throw new ApiError("loop_detected", PROBLEM_DETAILS.hopLimit(verified.hops, env.federation.maxHops));
      await recordPeerAsked(db, verified.peer.issuer, now);
      let parsed: unknown;
      try {
        parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
      } catch {
        throw new ApiError("invalid_json", PROBLEM_DETAILS.invalidJson);
      }
      const charge = async (cost: number) => {
        const policy = env.federation.peerPolicy;
        const taken = await getBucketStore().take(`peer:${verified.peer.issuer}`, cost, policy, now);
        limitHeaders = rateLimitHeaders(policy, taken);
        if (!taken.allowed) {
          throw new ApiError(
            "rate_limited",
            taken.retryAfterSeconds === null ? PROBLEM_DETAILS.costAboveBurst(cost, policy.burst) : PROBLEM_DETAILS.lookupLimitSpent(taken.retryAfterSeconds),
            taken.retryAfterSeconds === null ? {} : { "retry-after": String(taken.retryAfterSeconds) },
          );
        }
      };
      const response = await handler({ db, now, directory: trusted.directory, peer: verified.peer, hops: verified.hops, body: parsed, charge });
      for (const [name, value] of Object.entries(limitHeaders)) response.headers.set(name, value);
      return response;
    } catch (error) {
      const refusal = toApiError(error);
      return problemResponse(env.publicOrigin, new ApiError(refusal.code, refusal.detail, { ...limitHeaders, ...refusal.headers }, refusal.extra));
    }
  };
}
