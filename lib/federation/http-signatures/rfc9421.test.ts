import { createPrivateKey, createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { contentDigest, contentDigestMatches } from "./content-digest";
import { signMessage } from "./sign-message";
import { serializeSignatureParams, signatureBase, type SignedMessage } from "./signature-base";
import { verifyMessage } from "./verify-message";

// RFC 9421 Appendix B.1.3 and B.1.4: the test keys, as the RFC prints them.
const ECC_P256_PUBLIC = createPublicKey(`-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`);
const ED25519_PRIVATE = createPrivateKey(`-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF
-----END PRIVATE KEY-----`);
const ED25519_PUBLIC = createPublicKey(`-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`);

// Appendix B.2: the test request (its body is {"hello": "world"}) and the test response.
const testRequest: SignedMessage = {
  method: "POST",
  url: "https://example.com/foo?param=Value&Pet=dog",
  headers: {
    host: "example.com",
    date: "Tue, 20 Apr 2021 02:07:55 GMT",
    "content-type": "application/json",
    "content-digest": "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:",
    "content-length": "18",
  },
};
const testResponse: SignedMessage = {
  status: 200,
  headers: {
    date: "Tue, 20 Apr 2021 02:07:56 GMT",
    "content-type": "application/json",
    "content-digest": "sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:",
    "content-length": "23",
  },
};

describe("RFC 9421 Appendix B.2.6: a request signed with ed25519", () => {
  const components = ["date", "@method", "@path", "@authority", "content-type", "content-length"];
  const params = serializeSignatureParams(components, { created: 1618884473, keyid: "test-key-ed25519" });
  const expectedSignature = "wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==";

  it("builds the RFC's signature base, byte for byte", () => {
    expect(signatureBase(testRequest, components, params)).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join("\n"),
    );
  });

  it("signs to the RFC's Signature-Input and Signature (Ed25519 is deterministic)", () => {
    const signed = signMessage({ message: testRequest, components, parameters: { created: 1618884473, keyid: "test-key-ed25519" }, algorithm: "ed25519", key: ED25519_PRIVATE, label: "sig-b26" });
    expect(signed["signature-input"]).toBe('sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"');
    expect(signed.signature).toBe(`sig-b26=:${expectedSignature}:`);
  });

  it("verifies the RFC's signature, and refuses it once a covered field changes", async () => {
    const headers = {
      ...testRequest.headers,
      "signature-input": 'sig-b26=("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      signature: `sig-b26=:${expectedSignature}:`,
    };
    const verify = (message: SignedMessage) =>
      verifyMessage({ message, label: "sig-b26", requiredComponents: ["@method"], requiredParameters: ["created"], resolveKey: async (keyid) => (keyid === "test-key-ed25519" ? [ED25519_PUBLIC] : []) });
    expect(await verify({ ...testRequest, headers })).toMatchObject({ ok: true, parameters: { keyid: "test-key-ed25519", created: 1618884473 } });
    expect(await verify({ ...testRequest, headers: { ...headers, "content-length": "19" } })).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(await verify({ ...testRequest, method: "PUT", headers })).toMatchObject({ ok: false, reason: "bad_signature" });
    // The ECC key cannot vouch for an Ed25519 signature, whatever it is called.
    const wrongKey = await verifyMessage({ message: { ...testRequest, headers }, label: "sig-b26", requiredComponents: [], requiredParameters: [], resolveKey: async () => [ECC_P256_PUBLIC] });
    expect(wrongKey).toMatchObject({ ok: false, reason: "bad_signature" });
  });
});

describe("RFC 9421 Appendix B.2.4: a response signed with ecdsa-p256-sha256", () => {
  const input = 'sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"';
  const signature = "sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:";

  it("verifies the RFC's signature (ECDSA is randomised: it can be checked, not reproduced)", async () => {
    const verified = await verifyMessage({
      message: { ...testResponse, headers: { ...testResponse.headers, "signature-input": input, signature } },
      label: "sig-b24",
      requiredComponents: ["content-digest"],
      requiredParameters: ["created"],
      resolveKey: async (keyid) => (keyid === "test-key-ecc-p256" ? [ECC_P256_PUBLIC] : []),
    });
    expect(verified).toMatchObject({ ok: true });
  });

  it("refuses it with one bit of the signature flipped, and under an unknown keyid", async () => {
    const bytes = Buffer.from(signature.slice(8, -1), "base64");
    bytes[10]! ^= 1;
    const flipped = await verifyMessage({
      message: { ...testResponse, headers: { ...testResponse.headers, "signature-input": input, signature: `sig-b24=:${bytes.toString("base64")}:` } },
      label: "sig-b24",
      requiredComponents: [],
      requiredParameters: [],
      resolveKey: async () => [ECC_P256_PUBLIC],
    });
    expect(flipped).toMatchObject({ ok: false, reason: "bad_signature" });
    const unknown = await verifyMessage({ message: { ...testResponse, headers: { ...testResponse.headers, "signature-input": input, signature } }, label: "sig-b24", requiredComponents: [], requiredParameters: [], resolveKey: async () => [] });
    expect(unknown).toMatchObject({ ok: false, reason: "unknown_key" });
  });

  it("refuses a signature that does not cover what the profile requires", async () => {
    const verified = await verifyMessage({
      message: { ...testResponse, headers: { ...testResponse.headers, "signature-input": input, signature } },
      label: "sig-b24",
      requiredComponents: ["@method"],
      requiredParameters: ["nonce"],
      resolveKey: async () => [ECC_P256_PUBLIC],
    });
    expect(verified).toMatchObject({ ok: false, reason: "components" });
  });
});

describe("RFC 9530 Content-Digest, as the RFC 9421 examples carry it", () => {
  it("computes the digests of the test request's and test response's bodies", () => {
    expect(contentDigest(Buffer.from('{"hello": "world"}'), "sha-512")).toBe(testRequest.headers["content-digest"]);
    expect(contentDigest(Buffer.from('{"message": "good dog"}'), "sha-512")).toBe(testResponse.headers["content-digest"]);
    expect(contentDigestMatches(testRequest.headers["content-digest"], Buffer.from('{"hello": "world"}'))).toBe(true);
    expect(contentDigestMatches(testRequest.headers["content-digest"], Buffer.from('{"hello": "World"}'))).toBe(false);
    expect(contentDigestMatches("md5=:AAAA:", Buffer.from("x"))).toBe(false);
  });
});
