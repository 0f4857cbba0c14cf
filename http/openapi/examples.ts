import {
  BINDING_JWS_TYPE,
  encodeBase64url,
  parseCsiInput,
  type CsipRemovalItemResult,
  type CsipRemovalResponse,
  type LookupItem,
  type MappingDocument,
  type ServedMapping,
} from "@mimi-discovery/msp-kit";
import { OUTSIDE_AUTHORITY } from "@/lib/removals/apply-csip-removals";

/**
 * The example answers of the reference: realistic values (protocol section 2's example mapping), normalised and
 * refused by the API's own parser, so an example can never show an identifier form or an error the API would not
 * write. http/openapi.test.ts checks each against its schema.
 */

/** Fixed, visibly artificial bytes: the examples have the proof's shape, but nobody can mistake them for a key. */
const filler = (label: string, length: number) => encodeBase64url(new TextEncoder().encode(label.repeat(Math.ceil(length / label.length)).slice(0, length)));
const base64urlJson = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)));
const EXAMPLE_KID = filler("example-kid-", 32);
const EXAMPLE_KEY = { kty: "EC", crv: "P-256", x: filler("example-x-", 32), y: filler("example-y-", 32) } as const;

export const ILLUSTRATIVE = "Illustrative values: the proof has the right shape but is not a real signature, so it does not verify.";

export const EXAMPLE_JWKS = { keys: [{ ...EXAMPLE_KEY, kid: EXAMPLE_KID, alg: "ES256", use: "sig" }] };

function exampleMapping(origin: string, id: string, document: MappingDocument): ServedMapping {
  const seconds = (time: string) => Date.parse(time) / 1000;
  const claims = { iss: origin, sub: document.csi, cnf: { jwk: EXAMPLE_KEY }, amr: ["otp-sms"], iat: seconds(document.created) - 300, exp: seconds(document.expires) };
  return {
    id,
    document,
    proof: {
      binding: `${base64urlJson({ alg: "ES256", kid: EXAMPLE_KID, typ: BINDING_JWS_TYPE })}.${base64urlJson(claims)}.${filler("example-signature-", 64)}`,
      assertion: {
        credential_id: filler("example-credential-", 16),
        authenticator_data: filler("example-authenticator-data-", 37),
        client_data_json: base64urlJson({ type: "webauthn.get", challenge: filler("example-challenge-", 32), origin, crossOrigin: false }),
        signature: filler("example-der-signature-", 70),
      },
    },
  };
}

export function normalise(input: string): string {
  const parsed = parseCsiInput(input);
  if (!parsed.ok) throw new Error(`example identifier ${input} is invalid`);
  return parsed.csi.uri;
}

/** An identifier the API refuses, with the refusal it writes. */
export function refused(input: string) {
  const parsed = parseCsiInput(input);
  if (parsed.ok) throw new Error(`example identifier ${input} was expected to be invalid`);
  return { input, error: parsed.error };
}

/** A number without its country code: the mistake MSPs make most. */
export const INVALID_IDENTIFIER = "4085551212";

export function lookupExamples(origin: string) {
  const phone = normalise("+1 (408) 555-1212");
  const found: LookupItem = {
    csi: phone,
    result: "found",
    mappings: [
      exampleMapping(origin, "0b9e7f4c-6a51-4d1e-9c3b-2f8d5a7e1c40", {
        v: 1,
        dp: origin,
        csi: phone,
        seq: 7,
        fresh: false,
        label: "Personal",
        created: "2026-11-22T10:00:00Z",
        expires: "2027-11-22T10:00:00Z",
        entries: [
          { msp: "chat.example", tags: ["Personal", "Default"], priority: 1, audience: { kind: "everyone" } },
          { msp: "work.example", tags: ["Business"], priority: 2, audience: { kind: "context", tags: ["Business"] } },
        ],
      }),
    ],
  };
  const carol = normalise("Carol@Example.ORG");
  const optedOut: LookupItem = {
    csi: carol,
    result: "opted_out",
    mappings: [
      exampleMapping(origin, "5d2c8a17-3f4e-4b6a-8e90-1c7b3d9f2a65", {
        v: 1, dp: origin, csi: carol, seq: 2, fresh: true, label: "Not on any app", created: "2026-10-03T08:30:00Z", expires: "2027-10-03T08:30:00Z", entries: [],
      }),
    ],
  };
  const none: LookupItem = { csi: normalise("alice@example.org"), result: "none", mappings: [] };
  const errorSlot: LookupItem = refused(INVALID_IDENTIFIER);
  return { found, optedOut, none, errorSlot };
}

/** The README's removal request: a release, a port to another CSIP, a number of someone else's range and a typo. */
export const REMOVAL_REQUEST = {
  items: [
    { csi: "+1 408 555 1212", reason: "released" },
    { csi: "+1 650 555 0100", reason: "ported_out", receiving_csip: "6f1c2a9e-4b7d-4e35-9a08-3c5d1e7f2b64" },
    { csi: "+44 20 7946 0958", reason: "other" },
    { csi: INVALID_IDENTIFIER, reason: "released" },
  ],
} as const;

/** The answers a removal request can get, with the results counted as the route counts them. */
export function removalExamples() {
  const [released, ported, foreign, typo] = REMOVAL_REQUEST.items;
  const removed: CsipRemovalItemResult = { index: 0, csi: normalise(released.csi), status: 200, outcome: "removed", removed: 2 };
  const portRecorded: CsipRemovalItemResult = { index: 1, csi: normalise(ported.csi), status: 200, outcome: "ported", removed: 0 };
  const outside = (index: number, input: string): CsipRemovalItemResult => ({ index, input, status: 403, error: { ...OUTSIDE_AUTHORITY } });
  const invalid = (index: number, input: string): CsipRemovalItemResult => {
    const { error } = refused(input);
    return { index, input, status: 422, error: { code: error.code, detail: error.detail } };
  };
  const answer = (results: CsipRemovalItemResult[]): CsipRemovalResponse => {
    const applied = results.filter((result) => result.status === 200).length;
    return { results, summary: { items: results.length, applied, refused: results.length - applied } };
  };
  return {
    allApplied: answer([removed, portRecorded]),
    someRefused: answer([removed, portRecorded, outside(2, foreign.csi), invalid(3, typo.csi)]),
    noneInAuthority: answer([outside(0, foreign.csi)]),
    noneValid: answer([invalid(0, typo.csi)]),
  };
}

/**
 * The numbers the rate_limited examples are written for: a bucket that refills one token every 12 seconds, and a
 * batch as large as max_batch sent against a bucket half that size. http/openapi-errors.test.ts sets up an MSP with
 * these numbers to provoke each example.
 */
export const LIMIT_SPENT_EXAMPLE = { retryAfterSeconds: 12 } as const;

/** Undefined when max_batch is 1: then no batch can cost more than a bucket holds. */
export function costAboveBurstExample(maxBatch: number): { cost: number; burst: number } | undefined {
  return maxBatch > 1 ? { cost: maxBatch, burst: Math.floor(maxBatch / 2) } : undefined;
}
