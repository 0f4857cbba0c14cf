import { concatBytes, sha256 } from "../verifier/bytes.ts";

/**
 * The Privacy Pass wire structures of token type 0x0002, Blind RSA 2048 (RFC 9577 sections 2.1 and 2.2, RFC 9578
 * section 6): TokenChallenge, TokenRequest, TokenResponse and Token.
 */
export const TOKEN_TYPE_BLIND_RSA = 0x0002;
/** Nk: the RSA modulus length in bytes. */
export const BLIND_RSA_NK = 256;
/** Nid: the token key id, SHA-256 of the key's SPKI. */
export const TOKEN_KEY_ID_LENGTH = 32;
export const TOKEN_REQUEST_LENGTH = 2 + 1 + BLIND_RSA_NK;
export const TOKEN_LENGTH = 2 + 32 + 32 + TOKEN_KEY_ID_LENGTH + BLIND_RSA_NK;
export const TOKEN_REQUEST_MEDIA_TYPE = "application/private-token-request";
export const TOKEN_RESPONSE_MEDIA_TYPE = "application/private-token-response";
export const ISSUER_DIRECTORY_MEDIA_TYPE = "application/private-token-issuer-directory";

export type TokenChallenge = {
  tokenType: number;
  /** The issuer's server name, such as dp.example (RFC 9577 section 2.1.1). */
  issuerName: string;
  /** Empty, or 32 bytes. */
  redemptionContext: Uint8Array;
  /** Empty (any origin), or comma-separated server names. */
  originInfo: string;
};

const encoder = new TextEncoder();
const ascii = new TextDecoder("ascii");

export function encodeTokenChallenge(challenge: TokenChallenge): Uint8Array {
  const issuer = encoder.encode(challenge.issuerName);
  const origin = encoder.encode(challenge.originInfo);
  if (issuer.length < 1 || issuer.length > 0xffff || origin.length > 0xffff) throw new RangeError("issuer_name is 1 to 65535 bytes, origin_info at most 65535");
  if (challenge.redemptionContext.length !== 0 && challenge.redemptionContext.length !== 32) throw new RangeError("redemption_context is empty or 32 bytes");
  const out = new Uint8Array(2 + 2 + issuer.length + 1 + challenge.redemptionContext.length + 2 + origin.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, challenge.tokenType);
  view.setUint16(2, issuer.length);
  out.set(issuer, 4);
  let offset = 4 + issuer.length;
  out[offset] = challenge.redemptionContext.length;
  out.set(challenge.redemptionContext, offset + 1);
  offset += 1 + challenge.redemptionContext.length;
  view.setUint16(offset, origin.length);
  out.set(origin, offset + 2);
  return out;
}

export function decodeTokenChallenge(bytes: Uint8Array): TokenChallenge {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fail = () => new RangeError("the TokenChallenge is malformed");
  if (bytes.length < 4) throw fail();
  const issuerLength = view.getUint16(2);
  let offset = 4 + issuerLength;
  if (issuerLength < 1 || offset + 1 > bytes.length) throw fail();
  const contextLength = bytes[offset]!;
  if ((contextLength !== 0 && contextLength !== 32) || offset + 1 + contextLength + 2 > bytes.length) throw fail();
  const redemptionContext = bytes.slice(offset + 1, offset + 1 + contextLength);
  offset += 1 + contextLength;
  const originLength = view.getUint16(offset);
  if (offset + 2 + originLength !== bytes.length) throw fail();
  return {
    tokenType: view.getUint16(0),
    issuerName: ascii.decode(bytes.subarray(4, 4 + issuerLength)),
    redemptionContext,
    originInfo: ascii.decode(bytes.subarray(offset + 2)),
  };
}

export type Token = {
  tokenType: number;
  nonce: Uint8Array;
  challengeDigest: Uint8Array;
  tokenKeyId: Uint8Array;
  authenticator: Uint8Array;
};

/** The bytes the authenticator signs: token_type || nonce || challenge_digest || token_key_id. */
export function tokenInput(token: Pick<Token, "tokenType" | "nonce" | "challengeDigest" | "tokenKeyId">): Uint8Array {
  return concatBytes(Uint8Array.of(token.tokenType >> 8, token.tokenType & 0xff), token.nonce, token.challengeDigest, token.tokenKeyId);
}

export function encodeToken(token: Token): Uint8Array {
  return concatBytes(tokenInput(token), token.authenticator);
}

/** A type 0x0002 token, exactly TOKEN_LENGTH bytes. */
export function decodeToken(bytes: Uint8Array): Token {
  if (bytes.length < 2) throw new RangeError("the token is too short to carry its type");
  const tokenType = (bytes[0]! << 8) | bytes[1]!;
  if (tokenType !== TOKEN_TYPE_BLIND_RSA) throw new RangeError(`token type 0x${tokenType.toString(16).padStart(4, "0")} is not accepted here; only 0x0002 (Blind RSA 2048)`);
  if (bytes.length !== TOKEN_LENGTH) throw new RangeError(`a type 0x0002 token is ${TOKEN_LENGTH} bytes, not ${bytes.length}`);
  return {
    tokenType,
    nonce: bytes.slice(2, 34),
    challengeDigest: bytes.slice(34, 66),
    tokenKeyId: bytes.slice(66, 98),
    authenticator: bytes.slice(98),
  };
}

export function challengeDigest(challenge: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(challenge as Uint8Array<ArrayBuffer>);
}

export function tokenKeyId(spki: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return sha256(spki as Uint8Array<ArrayBuffer>);
}

export function encodeTokenRequest(truncatedKeyId: number, blindedMessage: Uint8Array): Uint8Array {
  return concatBytes(Uint8Array.of(TOKEN_TYPE_BLIND_RSA >> 8, TOKEN_TYPE_BLIND_RSA & 0xff, truncatedKeyId), blindedMessage);
}

export type TokenRequest = { tokenType: number; truncatedKeyId: number; blindedMessage: Uint8Array };

/** RFC 9578 section 6.2: a request of another type or size is a 422 at the issuer; this says which. */
export function decodeTokenRequest(bytes: Uint8Array): TokenRequest {
  if (bytes.length < 3) throw new RangeError("the TokenRequest is shorter than its header");
  const tokenType = (bytes[0]! << 8) | bytes[1]!;
  if (tokenType !== TOKEN_TYPE_BLIND_RSA) throw new RangeError(`token type 0x${tokenType.toString(16).padStart(4, "0")} is not issued here; only 0x0002 (Blind RSA 2048)`);
  if (bytes.length !== TOKEN_REQUEST_LENGTH) throw new RangeError(`a type 0x0002 TokenRequest is ${TOKEN_REQUEST_LENGTH} bytes, not ${bytes.length}`);
  return { tokenType, truncatedKeyId: bytes[2]!, blindedMessage: bytes.slice(3) };
}
