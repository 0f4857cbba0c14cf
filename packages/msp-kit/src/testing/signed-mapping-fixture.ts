import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { BindingClaims, MappingDocument, MappingProof } from "../wire/index.ts";
import type { SoftwareAuthenticator } from "./software-authenticator.ts";
import { computeMappingChallenge } from "../verifier/mapping-challenge.ts";
import type { VerifyOptions } from "../verifier/types.ts";

/**
 * Genuine signed mappings for the verifier's tests: a DP with a real ES256 key and a software passkey with real
 * assertions. Tests break one input at a time on top of these; nothing here is mocked.
 */
export const NOW = new Date("2026-11-22T10:00:00Z");
const DAY = 86_400;
const nowSeconds = NOW.getTime() / 1000;

export type TestDp = {
  issuer: string;
  rpId: string;
  kid: string;
  options: VerifyOptions;
  signBinding(claims: Partial<BindingClaims>, header?: { typ?: string; kid?: string }): Promise<string>;
};

export async function createTestDp(options: { issuer?: string; rpId?: string; kid?: string } = {}): Promise<TestDp> {
  const issuer = options.issuer ?? "http://localhost:3000";
  const rpId = options.rpId ?? "localhost";
  const kid = options.kid ?? "dp-key-1";
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" };
  return {
    issuer,
    rpId,
    kid,
    options: { jwks: { keys: [jwk] }, issuer, rpId, now: NOW },
    signBinding: (claims, header = {}) =>
      new SignJWT({ iss: issuer, amr: ["otp-sms"], iat: nowSeconds - 3600, exp: nowSeconds + 30 * DAY, ...claims })
        .setProtectedHeader({ alg: "ES256", kid: header.kid ?? kid, typ: header.typ ?? "mimi-csi-binding+jwt" })
        .sign(privateKey),
  };
}

export function sampleDocument(overrides: Partial<MappingDocument> = {}): MappingDocument {
  return {
    v: 1,
    dp: "http://localhost:3000",
    csi: "tel:+14085551212",
    seq: 7,
    fresh: false,
    label: "Personal",
    created: "2026-11-22T09:00:00Z",
    expires: "2027-11-22T09:00:00Z",
    entries: [
      { msp: "chat.example", tags: ["Personal", "Default"], priority: 1, audience: { kind: "everyone" } },
      { msp: "work.example", tags: ["Business"], priority: 2, audience: { kind: "context", tags: ["Business"] } },
    ],
    ...overrides,
  };
}

/** What the DP stores after the recipient's passkey signed `document`: the binding and the assertion. */
export async function signMapping(options: {
  dp: TestDp;
  authenticator: SoftwareAuthenticator;
  document: MappingDocument;
  binding?: string;
  origin?: string;
  rpId?: string;
  userVerified?: boolean;
  userPresent?: boolean;
  clientDataType?: string;
}): Promise<{ document: MappingDocument; proof: MappingProof }> {
  const { dp, authenticator, document } = options;
  const binding = options.binding ?? (await dp.signBinding({ sub: document.csi, cnf: { jwk: authenticator.publicKeyJwk() } }));
  const credential = await authenticator.authenticate({
    challenge: await computeMappingChallenge(document),
    rpId: options.rpId ?? dp.rpId,
    origin: options.origin ?? dp.issuer,
    userVerified: options.userVerified,
    userPresent: options.userPresent,
    clientDataType: options.clientDataType,
  });
  return {
    document,
    proof: {
      binding,
      assertion: {
        credential_id: credential.id,
        authenticator_data: credential.response.authenticatorData,
        client_data_json: credential.response.clientDataJSON,
        signature: credential.response.signature,
      },
    },
  };
}
