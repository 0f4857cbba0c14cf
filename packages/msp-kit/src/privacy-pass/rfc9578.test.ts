import { createPrivateKey, createPublicKey, constants, privateDecrypt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parsePrivateTokenParameters, readTokenAuthorization, formatTokenAuthorization } from "./auth-header.ts";
import { decodePaddedBase64url, encodePaddedBase64url } from "./base64.ts";
import { bytesToBigInt, modInverse } from "./bigint.ts";
import { prepareTokenRequest } from "./client-issuance.ts";
import { decodeRsaPssSpki, encodeRsaPssSpki } from "./spki.ts";
import { challengeDigest, decodeToken, decodeTokenChallenge, encodeTokenChallenge, tokenInput } from "./token.ts";
import vectors from "./rfc9578-type2-vectors.json" with { type: "json" };

const hex = (text: string) => Uint8Array.from(text.match(/../gu)!.map((byte) => Number.parseInt(byte, 16)));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** RFC 9474 section 4.3 BlindSign, as the RFC states it, with node:crypto's raw RSA: s = m^d mod n. */
function blindSign(pem: string, blindedMessage: Uint8Array): Uint8Array {
  return privateDecrypt({ key: createPrivateKey(pem), padding: constants.RSA_NO_PADDING }, blindedMessage);
}

describe("RFC 9578 section 8.2 (type 0x0002, Blind RSA 2048): every test vector, byte for byte", () => {
  for (const [index, vector] of vectors.entries()) {
    it(`vector ${index + 1}`, async () => {
      // The published key is the SPKI of the vector's private key, in the one encoding this module writes.
      const { n, e } = decodeRsaPssSpki(hex(vector.pkS));
      const jwk = createPublicKey(vector.skS).export({ format: "jwk" });
      expect(n).toBe(bytesToBigInt(Buffer.from(jwk.n!, "base64url")));
      expect(toHex(encodeRsaPssSpki({ n, e }))).toBe(vector.pkS);

      const challenge = hex(vector.token_challenge);
      expect(toHex(encodeTokenChallenge(decodeTokenChallenge(challenge)))).toBe(vector.token_challenge);
      // The vectors' "blind" is r; Blind keeps its inverse for Finalize.
      const r = bytesToBigInt(hex(vector.blind));
      const pending = await prepareTokenRequest({ tokenKey: hex(vector.pkS), challenge, seams: { nonce: hex(vector.nonce), salt: hex(vector.salt), blind: r } });
      expect(toHex(pending.request)).toBe(vector.token_request);
      const response = blindSign(vector.skS, pending.request.subarray(3));
      expect(toHex(response)).toBe(vector.token_response);
      const token = await pending.finalize(response);
      expect(toHex(token)).toBe(vector.token);
      expect(modInverse(modInverse(r, n), n)).toBe(r);
    });
  }

  it("refuses a response that does not unblind to a signature under the key", async () => {
    const [vector] = vectors;
    const pending = await prepareTokenRequest({ tokenKey: hex(vector!.pkS), challenge: hex(vector!.token_challenge) });
    const forged = hex(vector!.token_response);
    await expect(pending.finalize(forged)).rejects.toThrow(/does not unblind/u);
  });

  it("refuses a key with another salt length or algorithm", () => {
    const [vector] = vectors;
    const key = hex(vector!.pkS);
    const salt32 = key.slice();
    salt32[66] = 0x20; // saltLength INTEGER 48 → 32
    expect(() => decodeRsaPssSpki(salt32)).toThrow(/48-byte salt/u);
    expect(() => decodeRsaPssSpki(key.subarray(0, key.length - 1))).toThrow();
  });
});

describe("RFC 9577 challenge and redemption structures (section 7.1 test vectors)", () => {
  const keyId = hex("ca572f8982a9ca248a3056186322d93ca147266121ddeb5632c07f1f71cd2708");
  const nonce = hex("e01978182c469e5e026d66558ee186568614f235e41ef7e2378e6f202688abab");
  const context = hex("476ac2c935f458e9b2d7af32dacfbd22dd6023ef5887a789f1abe004e79bb5bb");
  const cases: [string, Uint8Array, string, string][] = [
    ["one origin, a redemption context", context, "origin.example", "8e1d5518ec82964255526efd8f9db88205a8ddd3ffb1db298fcc3ad36c42388f"],
    ["one origin, no redemption context", new Uint8Array(0), "origin.example", "11e15c91a7c2ad02abd66645802373db1d823bea80f08d452541fb2b62b5898b"],
    ["any origin, no redemption context", new Uint8Array(0), "", "b741ec1b6fd05f1e95f8982906aec1612896d9ca97d53eef94ad3c9fe023f7a4"],
    ["any origin, a redemption context", context, "", "b85fb5bc06edeb0e8e8bdb5b3bea8c4fa40837c82e8bcaf5882c81e14817ea18"],
    ["two origins, a redemption context", context, "foo.example,bar.example", "a2a775866b6ae0f98944910c8f48728d8a2735b9157762ddbf803f70e2e8ba3e"],
  ];
  for (const [name, redemptionContext, originInfo, digest] of cases) {
    it(name, async () => {
      const challenge = encodeTokenChallenge({ tokenType: 2, issuerName: "issuer.example", redemptionContext, originInfo });
      expect(toHex(await challengeDigest(challenge))).toBe(digest);
      expect(toHex(tokenInput({ tokenType: 2, nonce, challengeDigest: hex(digest), tokenKeyId: keyId }))).toBe(`0002${toHex(nonce)}${digest}${toHex(keyId)}`);
    });
  }

  it("reads tokens and authorization headers, padded or not, and refuses other spellings", () => {
    const token = hex(vectors[0]!.token);
    expect(decodeToken(token).nonce).toEqual(hex(vectors[0]!.nonce));
    expect(readTokenAuthorization(formatTokenAuthorization(token))).toEqual({ ok: true, token });
    expect(readTokenAuthorization(`PrivateToken token=${encodePaddedBase64url(token).replace(/=+$/u, "")}, extra="ignored"`)).toEqual({ ok: true, token });
    expect(readTokenAuthorization("Bearer abc")).toEqual({ ok: false, reason: "other_scheme" });
    expect(readTokenAuthorization(null)).toEqual({ ok: false, reason: "missing" });
    expect(readTokenAuthorization('PrivateToken token="!!"')).toEqual({ ok: false, reason: "malformed" });
    expect(() => decodePaddedBase64url("AB=")).toThrow();
    expect(() => decodeToken(token.subarray(1))).toThrow(/not accepted|bytes/u);
    expect(parsePrivateTokenParameters('PrivateToken challenge="AAA=", token-key=BBB, max-age=10')).toEqual(new Map([["challenge", "AAA="], ["token-key", "BBB"], ["max-age", "10"]]));
  });
});
