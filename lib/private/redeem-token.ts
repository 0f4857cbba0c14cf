import { verify as verifySignature, constants, createHash } from "node:crypto";
import { DomainError } from "@/lib/errors/domain-error";
import { decodeToken, readTokenAuthorization, tokenInput } from "@mimi-discovery/msp-kit";
import type { IssuerKey } from "./issuer-keys";
import type { SpendStore } from "./spend-store";

/**
 * Token redemption at the origin (RFC 9577 section 2.2, RFC 9578 section 6.4), in two steps so that a request that
 * fails for another reason keeps its token: `checkToken` verifies everything that needs no state, `spendToken`
 * then marks the nonce spent, once, in the store every instance shares.
 */
export type TokenRefusal = "missing" | "malformed" | "wrong_challenge" | "unknown_key" | "bad_signature" | "spent";

export class TokenRefused extends DomainError<"token_refused"> {
  constructor(
    readonly reason: TokenRefusal,
    message: string,
  ) {
    super("token_refused", "forbidden", message);
  }
}

export type CheckedToken = { nonce: string; key: IssuerKey };

export function checkToken(authorization: string | null, options: { challengeDigest: Uint8Array; keys: IssuerKey[] }): CheckedToken {
  const read = readTokenAuthorization(authorization);
  if (!read.ok) {
    throw new TokenRefused(read.reason === "malformed" ? "malformed" : "missing", read.reason === "malformed" ? "The PrivateToken credential is not base64url." : "Send a token as Authorization: PrivateToken token=\"…\".");
  }
  let token;
  try {
    token = decodeToken(read.token);
  } catch (error) {
    throw new TokenRefused("malformed", `The token cannot be read: ${(error as Error).message}.`);
  }
  if (!Buffer.from(token.challengeDigest).equals(Buffer.from(options.challengeDigest))) {
    throw new TokenRefused("wrong_challenge", "The token was made for another challenge (another issuer, origin or context), not this DP's.");
  }
  const key = options.keys.find((candidate) => Buffer.from(candidate.tokenKeyId).equals(Buffer.from(token.tokenKeyId)));
  if (!key) throw new TokenRefused("unknown_key", "The token's issuer key is not one this DP accepts now: it was retired, or never this DP's.");
  const valid = verifySignature("sha384", tokenInput(token), { key: key.publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 }, token.authenticator);
  if (!valid) throw new TokenRefused("bad_signature", "The token's authenticator is not a signature by the issuer key it names.");
  return { nonce: Buffer.from(token.nonce).toString("base64url"), key };
}

/** Spends a checked token; a second spend of its nonce, on any instance, is refused. */
export async function spendToken(store: SpendStore, token: CheckedToken): Promise<void> {
  const first = await store.spend(token.key.tokenKeyIdHex, token.nonce, token.key.acceptedUntil);
  if (!first) throw new TokenRefused("spent", "This token was already redeemed. Each token pays for one lookup.");
}

/** The replay scope's id for an encapsulated request: a hash of its `enc`, never the request itself. */
export function replayId(enc: Uint8Array): string {
  return createHash("sha256").update(enc).digest("base64url");
}
