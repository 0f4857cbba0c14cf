import { constants, createPrivateKey, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bigIntToBytes, bytesToBigInt, modInverse } from "./bigint.ts";
import { verifyPss } from "./blind-rsa.ts";
import { decodeGenericBatchTokenRequest, decodeGenericBatchTokenResponse, encodeGenericBatchTokenRequest, encodeGenericBatchTokenResponse } from "./generic-batch.ts";
import { decodeRsaPssSpki } from "./spki.ts";
import { challengeDigest, decodeToken, tokenInput, tokenKeyId } from "./token.ts";
import vectors from "./generic-batch-type2-vectors.json" with { type: "json" };

const hex = (text: string) => Uint8Array.from(text.match(/../gu)!.map((byte) => Number.parseInt(byte, 16)));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

describe("generic batched issuance (draft-ietf-privacypass-batched-tokens section 6), its type 0x0002 test vectors byte for byte", () => {
  // The draft's vectors give each request's nonce and blind but not its PSS salt, so the client's blinding cannot be
  // redone; everything else is checked: the batch's framing both ways, the issuer's answer to each request, and that
  // unblinding that answer with the vector's blind gives the vector's token, which verifies under its key.
  for (const [index, vector] of vectors.entries()) {
    it(`a batch of ${vector.issuance.length}`, async () => {
      const request = hex(vector.token_request);
      const items = decodeGenericBatchTokenRequest(request);
      expect(items).toHaveLength(vector.issuance.length);
      expect(toHex(encodeGenericBatchTokenRequest(items)), `vector ${index + 1}`).toBe(vector.token_request);
      const responses = items.map((item, slot) => privateDecrypt({ key: createPrivateKey(vector.issuance[slot]!.skS), padding: constants.RSA_NO_PADDING }, item.subarray(3)));
      expect(toHex(encodeGenericBatchTokenResponse(responses))).toBe(vector.token_response);
      const decoded = decodeGenericBatchTokenResponse(hex(vector.token_response));
      for (const [slot, item] of vector.issuance.entries()) {
        const key = decodeRsaPssSpki(hex(item.pkS));
        const token = decodeToken(hex(item.token));
        expect(toHex(token.nonce)).toBe(item.nonce);
        expect(toHex(token.challengeDigest)).toBe(toHex(await challengeDigest(hex(item.token_challenge))));
        expect(toHex(token.tokenKeyId)).toBe(toHex(await tokenKeyId(hex(item.pkS))));
        const unblinded = bigIntToBytes((bytesToBigInt(decoded[slot]!) * modInverse(bytesToBigInt(hex(item.blind)), key.n)) % key.n, key.modulusLength);
        expect(toHex(unblinded)).toBe(toHex(token.authenticator));
        expect(await verifyPss(key, tokenInput(token), token.authenticator)).toBe(true);
      }
    });
  }

  it("keeps empty slots, and refuses malformed batches", () => {
    const response = encodeGenericBatchTokenResponse([null, new Uint8Array(256).fill(5), null]);
    expect(decodeGenericBatchTokenResponse(response).map((slot) => slot?.length ?? null)).toEqual([null, 256, null]);
    const one = Uint8Array.of(0, 2, 7, ...new Uint8Array(256));
    expect(() => decodeGenericBatchTokenRequest(Uint8Array.of(0x41, 0x03, ...one.subarray(1)))).toThrow(/says 259 bytes/u);
    expect(() => decodeGenericBatchTokenRequest(Uint8Array.of(0x80, 0, 1, 3, ...one))).toThrow(/shortest form/u);
    expect(() => decodeGenericBatchTokenRequest(encodeGenericBatchTokenRequest([Uint8Array.of(0, 1, 7, ...new Uint8Array(48))]))).toThrow(/type 0x0001/u);
    expect(() => decodeGenericBatchTokenRequest(encodeGenericBatchTokenRequest([one.subarray(0, 100)]))).toThrow(/shorter than 259/u);
    expect(() => decodeGenericBatchTokenResponse(Uint8Array.of(1, 2))).toThrow(/presence octet of 2/u);
    expect(decodeGenericBatchTokenRequest(encodeGenericBatchTokenRequest([one, one]))).toHaveLength(2);
  });
});
