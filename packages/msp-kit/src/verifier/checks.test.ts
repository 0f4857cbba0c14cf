import { beforeAll, describe, expect, it } from "vitest";
import { SoftwareAuthenticator } from "../testing/software-authenticator.ts";
import { createTestDp, NOW, sampleDocument, signMapping, type TestDp } from "../testing/signed-mapping-fixture.ts";
import { bytesEqual, sha256, utf8 } from "./bytes.ts";
import { checkAuthenticatorData } from "./check-authenticator-data.ts";
import { checkBinding } from "./check-binding.ts";
import { checkClientData } from "./check-client-data.ts";
import { checkDocument } from "./check-document.ts";
import { checkExpiry } from "./check-expiry.ts";
import { checkReplay } from "./check-replay.ts";
import { checkSignature } from "./check-signature.ts";
import { verifyMapping } from "./verify-mapping.ts";

/** Each check on its own, with the exact sentence it gives a person: the verifier's answers are its interface. */
let dp: TestDp;
let passkey: SoftwareAuthenticator;
beforeAll(async () => {
  dp = await createTestDp();
  passkey = await SoftwareAuthenticator.create();
});

const b64 = (text: string) => Buffer.from(text).toString("base64url");
const jws = (header: unknown, payload: unknown) => `${b64(JSON.stringify(header))}.${b64(JSON.stringify(payload))}.c2ln`;

describe("bytesEqual", () => {
  it("tells arrays of different lengths apart, even when one is the other's prefix", () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 3]))).toBe(false);
  });
});

describe("checkAuthenticatorData", () => {
  const head = async (flags: number, rpId = "localhost") => new Uint8Array([...(await sha256(utf8(rpId))), flags, 0, 0, 0, 1]);

  it("explains missing and short authenticator data", async () => {
    expect(await checkAuthenticatorData({ authenticatorData: undefined, rpId: "localhost" })).toEqual({
      id: "authenticator_data",
      ok: false,
      detail: "The assertion carries no authenticator_data in base64url.",
    });
    expect(await checkAuthenticatorData({ authenticatorData: new Uint8Array(36), rpId: "localhost" })).toEqual({
      id: "authenticator_data",
      ok: false,
      detail: "The authenticator data is 36 bytes, shorter than the 37 every assertion has.",
    });
  });

  it("accepts 37 bytes with UP and UV, and says what it checked", async () => {
    expect(await checkAuthenticatorData({ authenticatorData: await head(0x05), rpId: "localhost" })).toEqual({
      id: "authenticator_data",
      ok: true,
      detail: 'The authenticator data is for the relying party "localhost", with the user present and verified.',
    });
  });

  it("lists every problem at once", async () => {
    expect((await checkAuthenticatorData({ authenticatorData: await head(0x00, "evil.example"), rpId: "localhost" })).detail).toBe(
      'The authenticator data is not acceptable: it was made for another relying party than "localhost"; the user was not present (flag UP is clear); the user was not verified (flag UV is clear).',
    );
  });
});

describe("checkClientData", () => {
  const data = (value: unknown) => utf8(JSON.stringify(value));
  const ok = { type: "webauthn.get", challenge: "abc", origin: "http://localhost:3000" };
  const check = (clientDataJson: Uint8Array | undefined, expectedChallenge: string | undefined = "abc") =>
    checkClientData({ clientDataJson, expectedChallenge, expectedOrigin: "http://localhost:3000" });

  it("accepts matching client data with a sentence saying so", () => {
    expect(check(data(ok))).toEqual({
      id: "client_data",
      ok: true,
      detail: "The client data shows a passkey assertion (webauthn.get) on http://localhost:3000 whose challenge is this document's hash.",
    });
  });

  it.each([
    ["missing", undefined, "The assertion carries no client_data_json in base64url."],
    ["not UTF-8", new Uint8Array([0xff, 0xfe]), "The assertion's client_data_json is not UTF-8 JSON."],
    ["not JSON", utf8("{nope"), "The assertion's client_data_json is not UTF-8 JSON."],
    ["an array", data([ok]), "The assertion's client_data_json is not a JSON object."],
    ["null", data(null), "The assertion's client_data_json is not a JSON object."],
  ])("explains client data that is %s", (_label, bytes, detail) => {
    expect(check(bytes)).toEqual({ id: "client_data", ok: false, detail });
  });

  it("refuses client data that is not UTF-8, even where a lenient decoder would make valid JSON of it", () => {
    const bytes = new Uint8Array([...utf8('{"type":"webauthn.get","challenge":"abc","origin":"http://localhost:3000","x":"'), 0xff, ...utf8('"}')]);
    expect(check(bytes).detail).toBe("The assertion's client_data_json is not UTF-8 JSON.");
  });

  it("cannot expect a challenge for a document that cannot be canonicalized", () => {
    expect(checkClientData({ clientDataJson: data(ok), expectedChallenge: undefined, expectedOrigin: "http://localhost:3000" }).detail).toBe("The client data does not match: the document cannot be canonicalized, so no challenge can be expected for it.");
  });

  it("names a wrong challenge and a missing origin", () => {
    expect(check(data({ type: "webauthn.get", challenge: "xyz" })).detail).toBe(
      'The client data does not match: its challenge "xyz" is not the hash of this document (abc), so the passkey signed something else; it was made on nothing, not on the DP\'s origin "http://localhost:3000".',
    );
  });
});

describe("checkBinding", () => {
  const check = (binding: string | undefined, document: unknown = sampleDocument()) => checkBinding({ binding, document, verify: dp.options, now: NOW });

  it("explains a missing binding and one that is no JWS", async () => {
    expect((await check(undefined)).result).toEqual({ id: "binding", ok: false, detail: "The proof carries no binding JWS." });
    for (const junk of ["not-a-jws", `${b64("{}")}.${b64("[1]")}.x`, `${b64("{}")}.${Buffer.from([0xff]).toString("base64url")}.x`]) {
      expect(await check(junk)).toEqual({ result: { id: "binding", ok: false, detail: "The binding is not a compact JWS with a JSON payload." } });
    }
  });

  it("says whose key signed a valid binding, for whom, until when, and returns its claims", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() }, exp: NOW.getTime() / 1000 + 60 });
    const { result, claims } = await check(binding);
    expect(result).toEqual({
      id: "binding",
      ok: true,
      detail: 'The binding is signed by the DP\'s key "dp-key-1", issued by http://localhost:3000 for tel:+14085551212, and valid until 2026-11-22T10:01:00.000Z.',
    });
    expect(claims).toMatchObject({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() } });
  });

  it("returns the claims of a failed binding too, so the signature check can still run", async () => {
    const binding = await dp.signBinding({ sub: "tel:+1", cnf: { jwk: passkey.publicKeyJwk() } });
    expect((await check(binding)).claims).toMatchObject({ sub: "tel:+1" });
  });

  it("names a header without kid", async () => {
    expect((await check(jws({ alg: "ES256", typ: "mimi-csi-binding+jwt" }, { iss: dp.issuer }))).result.detail).toMatch(/^The binding is not valid: its header names no key \(kid\);/u);
  });

  it("reports the typ problem and the alg problem together", async () => {
    expect((await check(jws({ alg: "HS256", kid: "dp-key-1" }, {}))).result.detail).toMatch(/^The binding is not valid: its header typ is nothing, not "mimi-csi-binding\+jwt"; it is signed with "HS256", not ES256;/u);
  });

  it("explains claims missing from the payload and from the document", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", exp: undefined as never, cnf: undefined as never });
    expect((await check(binding, { csi: 7 })).result.detail).toBe(
      "The binding is not valid: the document names no dp to compare its issuer with; the document names no CSI to compare its subject with; it has no expiry time (exp); it names no passkey key (cnf.jwk).",
    );
  });

  it("refuses an exp that is not a finite number, and a cnf without a jwk", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", exp: "2027" as never, cnf: { kid: "x" } as never });
    expect((await check(binding)).result.detail).toBe("The binding is not valid: it has no expiry time (exp); it names no passkey key (cnf.jwk).");
  });

  it("ignores an nbf that is not a number, as JWT says nothing of it", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() }, nbf: "tomorrow" as never });
    expect((await check(binding)).result.ok).toBe(true);
  });

  it("ignores an nbf written as a string of digits too, though it would be far in the future as a number", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() }, nbf: "99999999999" as never });
    expect((await check(binding)).result.ok).toBe(true);
  });

  it("refuses a payload that is not UTF-8, even where a lenient decoder would make valid JSON of it", async () => {
    const payload = Buffer.concat([Buffer.from('{"iss":"'), Buffer.from([0xff]), Buffer.from('"}')]).toString("base64url");
    const binding = `${b64(JSON.stringify({ alg: "ES256", typ: "mimi-csi-binding+jwt", kid: "dp-key-1" }))}.${payload}.c2ln`;
    expect((await check(binding)).result.detail).toBe("The binding is not a compact JWS with a JSON payload.");
  });

  it("uses only ES256 signing keys of the JWKS, with or without alg and use", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() } });
    const [key] = dp.options.jwks.keys as (JsonWebKey & { kid: string })[];
    const verifyWith = async (keys: JsonWebKey[]) => (await checkBinding({ binding, document: sampleDocument(), verify: { ...dp.options, jwks: { keys } }, now: NOW })).result.ok;
    const { alg, use, ...bare } = key!;
    void alg;
    void use;
    expect(await verifyWith([bare])).toBe(true);
    expect(await verifyWith([{ ...key, alg: "ES384" }])).toBe(false);
    expect(await verifyWith([{ ...key, use: "enc" }])).toBe(false);
    expect(await verifyWith([{ ...key, crv: "P-384" }])).toBe(false);
    expect(await verifyWith([{ ...key, kty: "OKP" }])).toBe(false);
    // Not tried and failed, but never a candidate: the JWKS publishes no ES256 key of that kid.
    const detailWith = async (keys: JsonWebKey[]) => (await checkBinding({ binding, document: sampleDocument(), verify: { ...dp.options, jwks: { keys } }, now: NOW })).result.detail;
    for (const unusable of [{ ...key, kty: "OKP" }, { ...key, crv: "P-384" }]) {
      expect(await detailWith([unusable])).toMatch(/it names the key "dp-key-1", which the DP's JWKS does not publish/u);
    }
  });

  it("tries every key that shares the kid during a rotation", async () => {
    const binding = await dp.signBinding({ sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() } });
    const impostor = await createTestDp({ kid: dp.kid });
    const keys = [...impostor.options.jwks.keys, ...dp.options.jwks.keys];
    expect((await checkBinding({ binding, document: sampleDocument(), verify: { ...dp.options, jwks: { keys } }, now: NOW })).result.ok).toBe(true);
  });

  it("quotes an object claim as JSON, not as [object Object]", async () => {
    const binding = await dp.signBinding({ iss: { dp: "x" } as never, sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() } });
    expect((await check(binding)).result.detail).toMatch(/it was issued by \{"dp":"x"\}, not by the DP/u);
  });

  it("quotes non-string claims as JSON", async () => {
    const binding = await dp.signBinding({ iss: 42 as never, sub: "tel:+14085551212", cnf: { jwk: passkey.publicKeyJwk() } });
    expect((await check(binding)).result.detail).toMatch(/it was issued by 42, not by the DP "http:\/\/localhost:3000"; its issuer 42 is not the document's dp "http:\/\/localhost:3000"/u);
  });
});

describe("checkDocument", () => {
  it("says what a well-formed document lists", () => {
    expect(checkDocument(sampleDocument()).result.detail).toBe("The document is a well-formed version 1 mapping of tel:+14085551212 (seq 7) listing 2 entries.");
    expect(checkDocument(sampleDocument({ entries: [] })).result.detail).toBe("The document is a well-formed version 1 mapping of tel:+14085551212 (seq 7) listing no MSP (an opt-out).");
    expect(checkDocument(sampleDocument({ entries: sampleDocument().entries.slice(0, 1) })).result.detail).toBe(
      "The document is a well-formed version 1 mapping of tel:+14085551212 (seq 7) listing 1 entry.",
    );
  });

  it("names each issue by its path, in lower case, without zod's 'Invalid input:' prefix", () => {
    const { result, document } = checkDocument({ ...sampleDocument(), seq: "7", entries: [{ ...sampleDocument().entries[0], priority: "x" }] });
    expect(result.ok).toBe(false);
    expect(document).toBeUndefined();
    expect(result.detail).toMatch(/^The document is not a valid version 1 mapping: seq: expected number, received string; entries\[0\]\.priority: expected number, received string\.$/u);
  });

  it("names a document that is not an object as such", () => {
    expect(checkDocument("nope").result.detail).toMatch(/^The document is not a valid version 1 mapping: the document: [a-z]/u);
  });

  it("reports at most five issues and counts the rest", () => {
    const detail = checkDocument({}).result.detail;
    const issues = detail.replace(/^The document is not a valid version 1 mapping: /u, "").replace(/\.$/u, "").split("; ");
    expect(issues).toHaveLength(6);
    expect(issues.at(-1)).toMatch(/^and \d+ more$/u);
  });

  it("reports five issues without counting more when there are exactly five", () => {
    const { v, dp: _dp, csi, seq, fresh, ...rest } = sampleDocument();
    void v;
    void _dp;
    void csi;
    void seq;
    void fresh;
    const detail = checkDocument(rest).result.detail;
    expect(detail).not.toMatch(/more/u);
    expect(detail.split("; ")).toHaveLength(5);
  });
});

describe("checkExpiry", () => {
  it.each([{}, { expires: "soon" }, { expires: 7 }, null])("explains an unreadable expiry: %j", (document) => {
    expect(checkExpiry({ document, now: NOW })).toEqual({ id: "expiry", ok: false, detail: "The document has no readable expiry time." });
  });
});

describe("checkReplay", () => {
  it("explains each case", () => {
    expect(checkReplay({ document: { seq: 3 }, lastSeenSeq: undefined })).toEqual({
      id: "replay",
      ok: true,
      detail: "No earlier mapping of this CSI was given to compare with, so it cannot be a replay of one.",
    });
    expect(checkReplay({ document: { seq: "3" }, lastSeenSeq: 2 })).toEqual({ id: "replay", ok: false, detail: "The document has no seq to compare with the last one seen." });
    expect(checkReplay({ document: "x", lastSeenSeq: 2 })).toMatchObject({ ok: false });
    expect(checkReplay({ document: { seq: 3 }, lastSeenSeq: 2 })).toEqual({ id: "replay", ok: true, detail: "Its seq 3 is not older than the last one seen (2)." });
  });
});

describe("checkSignature", () => {
  async function parts() {
    const { proof } = await signMapping({ dp, authenticator: passkey, document: sampleDocument() });
    return {
      bindingClaims: { cnf: { jwk: passkey.publicKeyJwk() } } as Record<string, unknown>,
      authenticatorData: new Uint8Array(Buffer.from(proof.assertion.authenticator_data, "base64url")),
      clientDataJson: new Uint8Array(Buffer.from(proof.assertion.client_data_json, "base64url")),
      signature: new Uint8Array(Buffer.from(proof.assertion.signature, "base64url")),
    };
  }

  it("accepts the genuine signature with a sentence saying so", async () => {
    expect(await checkSignature(await parts())).toEqual({ id: "signature", ok: true, detail: "The passkey named in the binding signed this authenticator data and client data." });
  });

  it.each<[string, Record<string, unknown>]>([
    ["kty", { kty: "RSA" }],
    ["crv", { crv: "P-384" }],
    ["x", { x: 1 }],
    ["y", { y: undefined }],
  ])("refuses a cnf.jwk with another %s before verifying", async (_label, change) => {
    const genuine = await parts();
    const result = await checkSignature({ ...genuine, bindingClaims: { cnf: { jwk: { ...passkey.publicKeyJwk(), ...change } } } });
    expect(result).toEqual({ id: "signature", ok: false, detail: "The signature cannot be checked: the binding's cnf.jwk is not an EC P-256 public key." });
  });

  it.each(["authenticatorData", "clientDataJson"] as const)("explains missing signed data (%s)", async (missing) => {
    const result = await checkSignature({ ...(await parts()), [missing]: undefined });
    expect(result.detail).toBe("The signature cannot be checked: the signed authenticator data or client data is missing or not base64url.");
  });

  it("explains a missing signature, and a key that is not on the curve", async () => {
    expect((await checkSignature({ ...(await parts()), signature: undefined })).detail).toBe("The assertion carries no signature in base64url.");
    const offCurve = { ...passkey.publicKeyJwk(), y: passkey.publicKeyJwk().x };
    expect((await checkSignature({ ...(await parts()), bindingClaims: { cnf: { jwk: offCurve } } })).detail).toBe(
      "The signature cannot be checked: the binding's cnf.jwk is not a point on P-256.",
    );
  });

  it("says why a signature is not DER", async () => {
    expect((await checkSignature({ ...(await parts()), signature: new Uint8Array([0x31]) })).detail).toBe(
      "The signature is not a DER-encoded ECDSA signature: expected a DER SEQUENCE.",
    );
  });
});

describe("verifyMapping's guards", () => {
  it("reports a check that throws as a failed check, and runs the others", async () => {
    const { document, proof } = await signMapping({ dp, authenticator: passkey, document: sampleDocument() });
    // A document with a getter that throws: canonicalizing it fails inside the client data check.
    const hostile = { ...document, get entries(): never { throw new Error("boom"); } };
    const verification = await verifyMapping({ document: hostile, proof }, dp.options);
    expect(verification.ok).toBe(false);
    expect(verification.checks.map((check) => check.id)).toEqual(["document", "binding", "client_data", "authenticator_data", "signature", "expiry", "replay"]);
    expect(verification.checks.find((check) => check.id === "document")!.detail).toBe("The document check could not run: boom.");
  });

  it("reports every check that throws under its own id, and none of them as passed", async () => {
    const mapping = await signMapping({ dp, authenticator: passkey, document: sampleDocument() });
    // Whatever reads this document or these options throws: each check's guard must speak for it.
    const hostileDocument = new Proxy({}, { get: () => { throw new Error("boom"); }, has: () => { throw new Error("boom"); } });
    const hostileOptions = Object.defineProperties({ ...dp.options }, Object.fromEntries(
      ["issuer", "jwks", "rpId", "lastSeenSeq"].map((name) => [name, { get: () => { throw new Error("boom"); }, enumerable: true }]),
    ));
    const verification = await verifyMapping({ document: hostileDocument, proof: mapping.proof }, hostileOptions);
    const thrown = verification.checks.filter((check) => check.detail.endsWith("could not run: boom."));
    expect(thrown.map((check) => check.id)).toEqual(["document", "binding", "client_data", "authenticator_data", "expiry", "replay"]);
    expect(thrown.every((check) => !check.ok)).toBe(true);
    expect(thrown.find((check) => check.id === "client_data")!.detail).toBe("The client data check could not run: boom.");
    expect(verification.ok).toBe(false);
  });

  it("reads a proof field that is not base64url as missing", async () => {
    const { document, proof } = await signMapping({ dp, authenticator: passkey, document: sampleDocument() });
    const verification = await verifyMapping({ document, proof: { ...proof, assertion: { ...proof.assertion, signature: "not*base64" } } }, dp.options);
    expect(verification.checks.find((check) => check.id === "signature")!.detail).toBe("The assertion carries no signature in base64url.");
  });

  it("reads an issuer that is no URL as the origin itself", async () => {
    const mapping = await signMapping({ dp, authenticator: passkey, document: sampleDocument() });
    const verification = await verifyMapping(mapping, { ...dp.options, issuer: "not a url" });
    expect(verification.checks.find((check) => check.id === "client_data")!.detail).toMatch(/not on the DP's origin "not a url"/u);
  });
});
