import { publicVerif, Token, TokenChallenge, TOKEN_TYPES } from "@cloudflare/privacypass-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@/test/support/test-database";
import { testKeys } from "@/test/support/otp-harness";
import { decodeTokenChallenge, prepareTokenRequest } from "@mimi-discovery/msp-kit";
import { blindSign, checkTokenRequest } from "./issue-token";
import { ensureIssuerKey, issuingKey, type IssuerKey } from "./issuer-keys";
import { checkToken } from "./redeem-token";
import { dpTokenChallenge } from "./token-challenge";

/**
 * Cloudflare's privacypass-ts is the reference implementation of RFC 9578 type 2: its client's tokens must be issued
 * and redeemed by the DP, and the DP's tokens (made with the kit's client) must verify at its origin.
 */
const ORIGIN = "https://dp.example";
let database: TestDatabase;
let key: IssuerKey;
let challenge: { bytes: Uint8Array; digest: Uint8Array };

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureIssuerKey(database.db, testKeys.sealing);
  key = await issuingKey(database.db, testKeys.sealing, new Date());
  challenge = await dpTokenChallenge(ORIGIN);
});
afterAll(async () => {
  await database?.close();
});

describe("interoperability with @cloudflare/privacypass-ts", () => {
  it("reads the DP's challenge as the kit writes it", () => {
    const reference = TokenChallenge.deserialize(challenge.bytes);
    expect(reference.issuerName).toBe("dp.example");
    expect(reference.originInfo).toEqual(["dp.example"]);
    expect(Buffer.from(reference.serialize())).toEqual(Buffer.from(challenge.bytes));
    expect(decodeTokenChallenge(challenge.bytes)).toMatchObject({ tokenType: 2, issuerName: "dp.example", originInfo: "dp.example" });
  });

  it("the reference client's token requests are issued by the DP, and its tokens are redeemed", async () => {
    const client = new publicVerif.Client(publicVerif.BlindRSAMode.PSS);
    const request = await client.createTokenRequest(TokenChallenge.deserialize(challenge.bytes), key.spki);
    const checked = await checkTokenRequest(request.serialize(), async (truncated) => (truncated === key.truncatedKeyId ? key : undefined));
    const token = await client.finalize(new publicVerif.TokenResponse(blindSign(checked)));
    const header = `PrivateToken token="${Buffer.from(token.serialize()).toString("base64url")}"`;
    expect(checkToken(header, { challengeDigest: challenge.digest, keys: [key] }).key.tokenKeyIdHex).toBe(key.tokenKeyIdHex);
  });

  it("the kit's tokens, issued by the DP, verify at the reference origin", async () => {
    const pending = await prepareTokenRequest({ tokenKey: key.spki, challenge: challenge.bytes });
    const checked = await checkTokenRequest(pending.request, async () => key);
    const token = Token.deserialize(TOKEN_TYPES.BLIND_RSA, await pending.finalize(blindSign(checked)));
    const publicKey = await crypto.subtle.importKey("spki", publicVerif.convertRSASSAPSSToEnc(key.spki) as Uint8Array<ArrayBuffer>, { name: "RSA-PSS", hash: "SHA-384" }, true, ["verify"]);
    const origin = new publicVerif.Origin(publicVerif.BlindRSAMode.PSS, ["dp.example"]);
    expect(await origin.verify(token, publicKey)).toBe(true);
  });
});
