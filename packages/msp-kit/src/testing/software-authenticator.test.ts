import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type WebAuthnCredential,
} from "@simplewebauthn/server";
import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";
import { describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "./software-authenticator.ts";

const rpID = "localhost";
const origin = "http://localhost:3000";

async function registered(authenticator: SoftwareAuthenticator) {
  const options = await generateRegistrationOptions({
    rpName: "test",
    rpID,
    userName: "recipient",
    attestationType: "none",
    authenticatorSelection: { userVerification: "required", residentKey: "required" },
  });
  const response = await authenticator.register(options, origin);
  const verification = await verifyRegistrationResponse({
    response,
    expectedChallenge: options.challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
  });
  return { options, response, verification };
}

async function credentialOf(authenticator: SoftwareAuthenticator): Promise<WebAuthnCredential> {
  const { verification } = await registered(authenticator);
  if (!verification.verified) throw new Error("registration was not verified");
  return verification.registrationInfo.credential;
}

async function assertion(authenticator: SoftwareAuthenticator, overrides: { userVerified?: boolean; userPresent?: boolean; signCount?: number; origin?: string } = {}) {
  const options = await generateAuthenticationOptions({ rpID, userVerification: "required" });
  const response = await authenticator.authenticate({ challenge: options.challenge, rpId: rpID, origin: overrides.origin ?? origin, ...overrides });
  return { challenge: options.challenge, response };
}

function verifyAssertion(credential: WebAuthnCredential, challenge: string, response: Awaited<ReturnType<typeof assertion>>["response"]) {
  return verifyAuthenticationResponse({
    response,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: true,
    credential,
  });
}

describe("SoftwareAuthenticator registration", () => {
  it("is accepted by @simplewebauthn/server with user verification required", async () => {
    const authenticator = await SoftwareAuthenticator.create();
    const { response, verification } = await registered(authenticator);
    expect(verification.verified).toBe(true);
    const info = verification.registrationInfo!;
    expect(info.fmt).toBe("none");
    expect(info.userVerified).toBe(true);
    expect(info.credentialDeviceType).toBe("singleDevice");
    expect(info.credentialBackedUp).toBe(false);
    expect(info.credential.id).toBe(Buffer.from(authenticator.credentialId).toString("base64url"));
    expect(info.credential.counter).toBe(1);
    expect(authenticator.credentialId).toHaveLength(32);
    expect(response.response.publicKeyAlgorithm).toBe(-7);
  });

  it("registers the key that publicKeyJwk reports, in its COSE and SPKI forms", async () => {
    const authenticator = await SoftwareAuthenticator.create();
    const { response, verification } = await registered(authenticator);
    const coseKey = decodeCredentialPublicKey(verification.registrationInfo!.credential.publicKey) as unknown as Map<number, unknown>;
    const jwk = authenticator.publicKeyJwk();
    expect(jwk).toEqual({ kty: "EC", crv: "P-256", x: expect.any(String), y: expect.any(String) });
    expect(coseKey.get(cose.COSEKEYS.alg)).toBe(cose.COSEALG.ES256);
    expect(Buffer.from(coseKey.get(cose.COSEKEYS.x) as Uint8Array).toString("base64url")).toBe(jwk.x);
    expect(Buffer.from(coseKey.get(cose.COSEKEYS.y) as Uint8Array).toString("base64url")).toBe(jwk.y);
    const spki = await crypto.subtle.importKey("spki", Buffer.from(response.response.publicKey!, "base64url"), { name: "ECDSA", namedCurve: "P-256" }, true, ["verify"]);
    expect(await crypto.subtle.exportKey("jwk", spki)).toMatchObject(jwk);
  });

  it("reports backup eligibility and state as asked", async () => {
    const { verification } = await registered(await SoftwareAuthenticator.create({ backupEligible: true, backupState: true }));
    expect(verification.registrationInfo!.credentialDeviceType).toBe("multiDevice");
    expect(verification.registrationInfo!.credentialBackedUp).toBe(true);
  });

  it("is refused for another origin or rpID, so acceptance above means something", async () => {
    const authenticator = await SoftwareAuthenticator.create();
    const options = await generateRegistrationOptions({ rpName: "test", rpID, userName: "recipient" });
    const response = await authenticator.register(options, origin);
    const expected = { response, expectedChallenge: options.challenge, requireUserVerification: true };
    await expect(verifyRegistrationResponse({ ...expected, expectedOrigin: "http://localhost:4000", expectedRPID: rpID })).rejects.toThrow(/origin/iu);
    await expect(verifyRegistrationResponse({ ...expected, expectedOrigin: origin, expectedRPID: "example.com" })).rejects.toThrow(/RP ID/iu);
  });
});

describe("SoftwareAuthenticator assertions", () => {
  it("are accepted by @simplewebauthn/server, with the user handle from registration", async () => {
    const authenticator = await SoftwareAuthenticator.create();
    const { options, verification } = await registered(authenticator);
    const { challenge, response } = await assertion(authenticator);
    const result = await verifyAssertion(verification.registrationInfo!.credential, challenge, response);
    expect(result.verified).toBe(true);
    expect(result.authenticationInfo.userVerified).toBe(true);
    expect(result.authenticationInfo.newCounter).toBe(2);
    expect(response.response.userHandle).toBe(options.user.id);
  });

  it("count up by one per assertion", async () => {
    const authenticator = await SoftwareAuthenticator.create({ signCount: 10 });
    let credential = await credentialOf(authenticator);
    for (const expected of [11, 12, 13]) {
      const { challenge, response } = await assertion(authenticator);
      const result = await verifyAssertion(credential, challenge, response);
      expect(result.authenticationInfo.newCounter).toBe(expected);
      credential = { ...credential, counter: result.authenticationInfo.newCounter };
    }
  });

  it("stay at 0 when created with signCount 0, which the library accepts as 0 to 0", async () => {
    const authenticator = await SoftwareAuthenticator.create({ signCount: 0 });
    const credential = await credentialOf(authenticator);
    for (let i = 0; i < 2; i++) {
      const { challenge, response } = await assertion(authenticator);
      const result = await verifyAssertion(credential, challenge, response);
      expect(result.verified).toBe(true);
      expect(result.authenticationInfo.newCounter).toBe(0);
    }
  });

  it("can report a counter that went backwards, which the library refuses", async () => {
    const authenticator = await SoftwareAuthenticator.create({ signCount: 5 });
    const credential = await credentialOf(authenticator);
    const { challenge, response } = await assertion(authenticator, { signCount: 3 });
    await expect(verifyAssertion(credential, challenge, response)).rejects.toThrow(/counter/iu);
  });

  it.each([
    ["without user verification", { userVerified: false }, /user could not be verified/iu],
    ["without user presence", { userPresent: false }, /user not present/iu],
    ["for another origin", { origin: "https://evil.example" }, /origin/iu],
  ])("are refused %s", async (_label, overrides, message) => {
    const authenticator = await SoftwareAuthenticator.create();
    const credential = await credentialOf(authenticator);
    const { challenge, response } = await assertion(authenticator, overrides);
    await expect(verifyAssertion(credential, challenge, response)).rejects.toThrow(message);
  });

  it("by another authenticator do not verify under this one's key", async () => {
    const credential = await credentialOf(await SoftwareAuthenticator.create());
    const { challenge, response } = await assertion(await SoftwareAuthenticator.create());
    const result = await verifyAssertion(credential, challenge, response);
    expect(result.verified).toBe(false);
  });
});
