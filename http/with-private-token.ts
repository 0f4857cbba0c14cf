// No "server-only" marker: the gateway dispatches here from the custom server, outside Next.
import type { Database } from "@/db/client";
import { getDb } from "@/db/index";
import { getEnv } from "@/env";
import { now as clockNow } from "@/lib/clock";
import { issuingKey, loadIssuerKeys } from "@/lib/private/issuer-keys";
import { checkToken, spendToken, TokenRefused, type CheckedToken } from "@/lib/private/redeem-token";
import { dpTokenChallenge } from "@/lib/private/token-challenge";
import { formatTokenChallenge } from "@mimi-discovery/msp-kit";
import { getSealingKey, getSpendStore } from "./private-services";
import { ApiError, problemResponse, toApiError } from "./problem";

export type PrivateContext = {
  request: Request;
  db: Database;
  now: Date;
  /** Marks the request's tokens spent; call it once the answer is ready, so a request that fails keeps its tokens. */
  spend: () => Promise<void>;
  /**
   * Checks more tokens carried in the body (an OPRF batch costs one token per element): each as the header's, and
   * none twice; `spend` then spends them all. A bad one refuses the request, with nothing spent.
   */
  alsoPay: (tokens: readonly string[]) => Promise<void>;
};

/** A day: the challenge never changes, and the token key only with an epoch; clients refetch on failure anyway. */
const CHALLENGE_MAX_AGE = 86_400;

/**
 * The one door of the private endpoints (protocol section 7), as withApiKey is of the others: it accepts a Privacy
 * Pass token (RFC 9577) and nothing else, never an API key, and knows nothing of who sent the request: no key, no
 * MSP, no address reaches it. A refused token is a 401 with this DP's challenge and issuing key in WWW-Authenticate.
 */
export function withPrivateToken(handler: (context: PrivateContext) => Promise<Response>): (request: Request) => Promise<Response> {
  return async (request) => {
    const env = getEnv();
    const db = getDb();
    const now = clockNow();
    try {
      const challenge = await dpTokenChallenge(env.publicOrigin);
      const authorization = request.headers.get("authorization");
      let keys = await loadIssuerKeys(db, getSealingKey(), now);
      let token: CheckedToken;
      try {
        token = checkToken(authorization, { challengeDigest: challenge.digest, keys });
      } catch (error) {
        // A key another instance made since this one loaded its keys: look again before refusing.
        if (!(error instanceof TokenRefused && error.reason === "unknown_key")) throw error;
        keys = await loadIssuerKeys(db, getSealingKey(), now, () => true);
        token = checkToken(authorization, { challengeDigest: challenge.digest, keys });
      }
      const tokens = [token];
      const alsoPay = async (more: readonly string[]) => {
        const check = (value: string) => checkToken(`PrivateToken token="${value}"`, { challengeDigest: challenge.digest, keys });
        let checked: CheckedToken[];
        try {
          checked = more.map(check);
        } catch (error) {
          // As for the header's token: a key made since this instance loaded its keys is looked up before refusing.
          if (!(error instanceof TokenRefused && error.reason === "unknown_key")) throw error;
          keys = await loadIssuerKeys(db, getSealingKey(), now, () => true);
          checked = more.map(check);
        }
        const nonces = new Set([token, ...checked].map((item) => `${item.key.tokenKeyIdHex}:${item.nonce}`));
        if (nonces.size !== checked.length + 1) throw new TokenRefused("spent", "The request carries one token twice. Each token pays for one element.");
        tokens.push(...checked);
      };
      let spent = false;
      const spend = async () => {
        if (spent) return;
        for (const item of tokens) await spendToken(getSpendStore(), item);
        spent = true;
      };
      return await handler({ request, db, now, spend, alsoPay });
    } catch (error) {
      if (error instanceof TokenRefused) {
        const challenge = await dpTokenChallenge(env.publicOrigin);
        let wwwAuthenticate: Record<string, string> = {};
        try {
          const key = await issuingKey(db, getSealingKey(), now);
          wwwAuthenticate = { "www-authenticate": formatTokenChallenge(challenge.bytes, key.spki, CHALLENGE_MAX_AGE) };
        } catch {
          // The refusal stands without a challenge; the directory names the key.
        }
        return problemResponse(env.publicOrigin, new ApiError(error.reason === "spent" ? "token_spent" : "invalid_token", error.message, wwwAuthenticate));
      }
      return problemResponse(env.publicOrigin, toApiError(error));
    }
  };
}
