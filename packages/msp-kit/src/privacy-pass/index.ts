/** Privacy Pass (RFC 9576-9578), token type 0x0002: the client's issuance, the wire structures, the auth scheme. */
export { formatTokenAuthorization, formatTokenChallenge, parsePrivateTokenParameters, readTokenAuthorization, type TokenAuthorization } from "./auth-header.ts";
export { decodePaddedBase64url, encodePaddedBase64url } from "./base64.ts";
export { BlindRsaError, verifyPss } from "./blind-rsa.ts";
export { prepareTokenRequest, type IssuanceSeams, type PendingToken } from "./client-issuance.ts";
export { decodeRsaPssSpki, encodeRsaPssSpki, SpkiError, type RsaPublicKey } from "./spki.ts";
export {
  BLIND_RSA_NK,
  challengeDigest,
  decodeToken,
  decodeTokenChallenge,
  decodeTokenRequest,
  encodeToken,
  encodeTokenChallenge,
  encodeTokenRequest,
  ISSUER_DIRECTORY_MEDIA_TYPE,
  tokenInput,
  tokenKeyId,
  TOKEN_LENGTH,
  TOKEN_REQUEST_LENGTH,
  TOKEN_REQUEST_MEDIA_TYPE,
  TOKEN_RESPONSE_MEDIA_TYPE,
  TOKEN_TYPE_BLIND_RSA,
  type Token,
  type TokenChallenge,
  type TokenRequest,
} from "./token.ts";
export {
  decodeGenericBatchTokenRequest,
  decodeGenericBatchTokenResponse,
  encodeGenericBatchTokenRequest,
  encodeGenericBatchTokenResponse,
  GENERIC_BATCH_REQUEST_MEDIA_TYPE,
  GENERIC_BATCH_RESPONSE_MEDIA_TYPE,
} from "./generic-batch.ts";
