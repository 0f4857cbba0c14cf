import { blind, finalize, type BlindingSeams } from "./blind-rsa.ts";
import { decodeRsaPssSpki } from "./spki.ts";
import { challengeDigest, encodeToken, encodeTokenRequest, tokenInput, tokenKeyId, TOKEN_TYPE_BLIND_RSA, BLIND_RSA_NK } from "./token.ts";

/**
 * A client's side of the publicly verifiable issuance protocol (RFC 9578 section 6): blind a fresh token input
 * for the issuer's key and a challenge, send the TokenRequest (through an attester, or with an MSP API key), and
 * finalize the TokenResponse into a Token. The issuer never sees the nonce, so it cannot recognise the token later.
 */
export type PendingToken = {
  /** The `application/private-token-request` body. */
  request: Uint8Array;
  /** Turns the issuer's `application/private-token-response` body into the Token, after checking its signature. */
  finalize: (response: Uint8Array) => Promise<Uint8Array>;
};

export type IssuanceSeams = BlindingSeams & { nonce?: Uint8Array };

export async function prepareTokenRequest(options: { tokenKey: Uint8Array; challenge: Uint8Array; seams?: IssuanceSeams }): Promise<PendingToken> {
  const key = decodeRsaPssSpki(options.tokenKey);
  const keyId = await tokenKeyId(options.tokenKey);
  const nonce = options.seams?.nonce ?? globalThis.crypto.getRandomValues(new Uint8Array(32));
  const input = tokenInput({ tokenType: TOKEN_TYPE_BLIND_RSA, nonce, challengeDigest: await challengeDigest(options.challenge), tokenKeyId: keyId });
  const { blindedMessage, inverse } = await blind(key, input, options.seams);
  return {
    request: encodeTokenRequest(keyId[keyId.length - 1]!, blindedMessage),
    async finalize(response) {
      if (response.length !== BLIND_RSA_NK) throw new RangeError(`a TokenResponse is ${BLIND_RSA_NK} bytes, not ${response.length}`);
      const authenticator = await finalize(key, input, response, inverse);
      return encodeToken({ tokenType: TOKEN_TYPE_BLIND_RSA, nonce, challengeDigest: input.subarray(34, 66), tokenKeyId: keyId, authenticator });
    },
  };
}
