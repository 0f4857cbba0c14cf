import { cose, isoCBOR } from "@simplewebauthn/server/helpers";
import { describe, expect, it } from "vitest";
import { assertionBackupFlags, registrationBackupFlags } from "./backup-flags";
import { WEBAUTHN_CHALLENGE_TTL_MS } from "./challenges";
import { coseToJwk } from "./cose-to-jwk";
import { PasskeyError, type PasskeyErrorCode } from "./passkey-error";
import { relyingPartyFor } from "./relying-party";

// The rules of lib/passkeys that need no database: key formats, flags, numbers and what a person is told.
const x = new Uint8Array(32).fill(1);
const y = new Uint8Array(32).fill(2);
const coseKey = (entries: [number, unknown][]) => isoCBOR.encode(new Map(entries) as never) as Uint8Array<ArrayBuffer>;
const es256 = (): [number, unknown][] => [
  [cose.COSEKEYS.kty, cose.COSEKTY.EC2],
  [cose.COSEKEYS.alg, cose.COSEALG.ES256],
  [cose.COSEKEYS.crv, cose.COSECRV.P256],
  [cose.COSEKEYS.x, x],
  [cose.COSEKEYS.y, y],
];
const replace = (key: number, value: unknown) => es256().map(([k, v]): [number, unknown] => [k, k === key ? value : v]);
const without = (key: number) => es256().filter(([k]) => k !== key);

describe("coseToJwk", () => {
  it("turns an ES256 EC2 P-256 key into the JWK a binding names", () => {
    expect(coseToJwk(coseKey(es256()))).toEqual({ kty: "EC", crv: "P-256", x: Buffer.from(x).toString("base64url"), y: Buffer.from(y).toString("base64url") });
  });

  it.each([
    ["an OKP key", replace(cose.COSEKEYS.kty, cose.COSEKTY.OKP)],
    ["an ES384 key", replace(cose.COSEKEYS.alg, cose.COSEALG.ES384)],
    ["a P-384 key", replace(cose.COSEKEYS.crv, cose.COSECRV.P384)],
    ["a key without x", without(cose.COSEKEYS.x)],
    ["a key without y", without(cose.COSEKEYS.y)],
    ["a key whose y is not bytes", replace(cose.COSEKEYS.y, 7)],
  ])("refuses %s: only keys WebCrypto can check sign mappings", (_name, entries) => {
    expect(() => coseToJwk(coseKey(entries))).toThrow(new Error("only ES256 (EC2 P-256) passkeys are supported"));
  });
});

describe("backup flags", () => {
  const authData = (flags: number) => new Uint8Array([...new Uint8Array(32), flags, 0, 0, 0, 0]);
  const attestation = (data: unknown) => Buffer.from(isoCBOR.encode(new Map([["fmt", "none"], ["attStmt", new Map()], ["authData", data]]) as never)).toString("base64url");
  const malformed = (read: () => unknown) => {
    try {
      read();
    } catch (error) {
      return error instanceof PasskeyError ? [error.code, error.cause !== undefined] : error;
    }
    return "accepted";
  };

  it("reads BE and BS from the flags byte after the rpIdHash", () => {
    expect(assertionBackupFlags(Buffer.from(authData(0x18)).toString("base64url"))).toEqual({ eligible: true, state: true });
    expect(registrationBackupFlags(attestation(authData(0x08)))).toEqual({ eligible: true, state: false });
  });

  it("answers malformed_response, with the decoder's error as cause, for what it cannot read", () => {
    expect(malformed(() => assertionBackupFlags(Buffer.alloc(32).toString("base64url")))).toEqual(["malformed_response", false]);
    expect(malformed(() => registrationBackupFlags("bm90IGNib3I"))).toEqual(["malformed_response", true]);
    expect(malformed(() => registrationBackupFlags(attestation("text")))).toEqual(["malformed_response", false]);
    expect(malformed(() => registrationBackupFlags(attestation(new Uint8Array(32))))).toEqual(["malformed_response", false]);
  });
});

describe("the numbers and names of the ceremonies", () => {
  // ../shared/docs/security-rules.md: a WebAuthn challenge lives five minutes.
  it("gives a challenge five minutes", () => {
    expect(WEBAUTHN_CHALLENGE_TTL_MS).toBe(300_000);
  });

  it("makes the relying party the public origin's host, the origin exact, the name the project's", () => {
    expect(relyingPartyFor("https://dp.example:8443")).toEqual({ rpId: "dp.example", origin: "https://dp.example:8443", rpName: "mimi-discovery" });
  });
});

describe("PasskeyError", () => {
  it.each([
    ["challenge_invalid", "invalid", "This passkey request expired or was already used. Please try again."],
    ["not_verified", "invalid", "The passkey response could not be verified. Please try again."],
    ["unknown_credential", "not_found", "This passkey is not registered here. Sign in with a code and add it on your account page."],
    ["other_account", "forbidden", "This passkey belongs to another account."],
    ["credential_too_long", "invalid", "This authenticator's credential is too long to be accepted."],
    ["already_registered", "conflict", "This passkey is already registered."],
    ["backup_state_without_eligibility", "invalid", "This authenticator reports an impossible backup state and was refused."],
    ["unsupported_algorithm", "invalid", "This authenticator does not offer ES256 (P-256) keys, which signed mappings need."],
    [
      "counter_went_backwards",
      "invalid",
      "This passkey's signature counter went backwards, which can mean it was cloned. It was refused; remove it and register a new one, and contact us if you did not expect this.",
    ],
    ["malformed_response", "malformed", "The passkey response was malformed."],
    ["unknown_identifier", "not_found", "That identifier is not on your account."],
    [
      "not_this_identifiers_passkey",
      "forbidden",
      "This identifier's mappings are signed with a passkey of its own, and this is not it. Choose its passkey when your browser asks.",
    ],
  ] as const)("tells %s as a %s refusal, in words for the person", (code: PasskeyErrorCode, kind, message) => {
    expect(new PasskeyError(code)).toMatchObject({ code, kind, message });
  });
});
