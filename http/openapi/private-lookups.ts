import { issuerDirectorySchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiOperationObject } from "zod-openapi";
import { OHTTP_REQUEST_MAX_BYTES } from "@/http/ohttp-gateway";
import { MAX_TOKEN_BATCH, TOKEN_REQUEST_MAX_BYTES } from "@/http/body-limits";
import { curlGet } from "@/http/openapi/code-samples";
import { headerRefs, RATE_LIMIT_HEADERS } from "@/http/openapi/headers";
import { accessProblems, failureProblems } from "@/http/openapi/problem-examples";
import { problemResponses, type ProblemExample } from "@/http/openapi/problems";
import { MSP_SECURITY, NO_SECURITY } from "@/http/openapi/security";
import type { DocumentOptions } from "@/http/openapi/types";
import { ApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";
import { LIMIT_SPENT_EXAMPLE } from "@/http/openapi/examples";

/**
 * The private-lookup doors (protocol section 7; README, "Private lookups"): the token issuer (an MSP route), the
 * OHTTP gateway and the two public documents a client needs first. Their bodies are binary, so the schemas say so
 * and the descriptions name the RFC structure each carries.
 */
export const TOKEN_REQUEST_PATH = "/api/v1/privacy-pass/token-request";
export const OHTTP_GATEWAY_PATH = "/api/v1/ohttp";
export const OHTTP_KEYS_PATH = "/.well-known/ohttp-gateway";
export const ISSUER_DIRECTORY_PATH = "/.well-known/private-token-issuer-directory";
/** What the token request refuses for a body of the wrong size: decodeTokenRequest's own words. */
export const SHORT_TOKEN_REQUEST_BYTES = 10;

const binary = (description: string) => ({ schema: { type: "string" as const, format: "binary", description } });

function binaryBodyProblems(mediaTypes: string[], maxBytes: number): ProblemExample[] {
  return [
    { name: "no_body", summary: "the request has no body", error: new ApiError("malformed_request", PROBLEM_DETAILS.noBody) },
    { name: "body_too_large", summary: `the body is over ${maxBytes} bytes`, error: new ApiError("payload_too_large", PROBLEM_DETAILS.bodyTooLarge(maxBytes)) },
    { name: "wrong_content_type", summary: `the body is not sent as ${mediaTypes.join(" or ")}`, error: new ApiError("unsupported_media_type", PROBLEM_DETAILS.binaryMediaType(mediaTypes)) },
  ];
}

export function tokenRequestOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "tokenRequest",
    summary: "Issue one Privacy Pass token",
    description: `Turns one TokenRequest (RFC 9578 section 6.1: token type 0x0002, the last byte of the issuer key's id, and a 256-byte blinded message) into one TokenResponse (the 256-byte blind signature). The token's nonce is blinded on your side, so the DP cannot recognise the token when it pays for a private lookup. Each token costs one identifier of the MSP's lookup limits, charged before signing: past the limit the answer is 429 and nothing is issued. Keys and the challenge to make tokens for: the issuer directory and the metadata's \`private_lookup\`. To fetch many tokens in one round trip, send a generic batch (draft-ietf-privacypass-batched-tokens section 6, \`application/private-token-generic-batch-request\`): up to ${MAX_TOKEN_BATCH} TokenRequests, charged together for those issued. The kit's \`createTokenClient\` does the whole exchange, in batches.\n\nA single TokenRequest over ${TOKEN_REQUEST_MAX_BYTES} bytes is 413; a TokenRequest of another type, size or key is 422, and so is a batch that cannot be read; a batch of which no request can be issued is 400.`,
    tags: ["Private lookups"],
    security: MSP_SECURITY,
    requestBody: {
      required: true,
      content: {
        "application/private-token-request": binary("A TokenRequest, 259 bytes"),
        "application/private-token-generic-batch-request": binary(`A generic batch of up to ${MAX_TOKEN_BATCH} TokenRequests (draft-ietf-privacypass-batched-tokens section 6): a variable-length integer, then the requests`),
      },
    },
    responses: {
      "200": {
        description: "The TokenResponse, or every TokenResponse of the batch in its slot: unblind each with the inverse you kept, and check the signature.",
        headers: headerRefs(...RATE_LIMIT_HEADERS),
        content: {
          "application/private-token-response": binary("A TokenResponse, 256 bytes"),
          "application/private-token-generic-batch-response": binary("One slot per request: 1, the token type and the TokenResponse; or 0 where none was issued"),
        },
      },
      "206": {
        description: "Some requests of the batch named a key that does not issue now: their slots are empty and they were not charged. Fetch the directory again and ask for those.",
        headers: headerRefs(...RATE_LIMIT_HEADERS),
        content: { "application/private-token-generic-batch-response": binary("One slot per request, some empty") },
      },
      ...problemResponses(origin, [
        ...accessProblems("msp"),
        ...binaryBodyProblems(["application/private-token-request", "application/private-token-generic-batch-request"], TOKEN_REQUEST_MAX_BYTES),
        { name: "wrong_size", summary: "the TokenRequest is not 259 bytes", error: new ApiError("invalid_value", `A type 0x0002 TokenRequest is 259 bytes, not ${SHORT_TOKEN_REQUEST_BYTES}.`) },
        { name: "other_token_type", summary: "the TokenRequest is of another token type", error: new ApiError("invalid_value", "Token type 0x0001 is not issued here; only 0x0002 (Blind RSA 2048).") },
        { name: "key_not_issuing", summary: "the TokenRequest names a key that does not issue now", error: new ApiError("invalid_value", "The token request names a key that does not issue now. Fetch /.well-known/private-token-issuer-directory again.") },
        { name: "batch_unreadable", summary: "a batch holds another token type, or cannot be read", error: new ApiError("invalid_value", "Token request 1 of the batch is of token type 0x0001, which is not issued here; only 0x0002.") },
        { name: "batch_nothing_issuable", summary: "no request of a batch names a key that issues now", error: new ApiError("malformed_request", PROBLEM_DETAILS.noTokenIssuable) },
        { name: "limit_spent", summary: "the MSP's lookup budget is spent", error: new ApiError("rate_limited", PROBLEM_DETAILS.lookupLimitSpent(LIMIT_SPENT_EXAMPLE.retryAfterSeconds)) },
        ...failureProblems(),
      ]),
    },
    "x-codeSamples": [
      {
        lang: "Shell",
        label: "curl",
        source: `curl -sS -X POST '${origin}${TOKEN_REQUEST_PATH}' \\\n  -H "Authorization: Bearer $MIMI_API_KEY" \\\n  -H 'Content-Type: application/private-token-request' \\\n  --data-binary @token-request.bin -o token-response.bin`,
      },
    ],
  };
}

export function ohttpGatewayOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "ohttpGateway",
    summary: "The Oblivious HTTP gateway",
    description: `Takes an encapsulated request (RFC 9458 section 4.3), sent by a relay, and answers with the encapsulated response. Public: no API key, and none may travel inside either. The request is a Binary HTTP message (RFC 9292) encapsulated to a key of ${OHTTP_KEYS_PATH} (X25519, HKDF-SHA256, AES-128-GCM); the requests it may hold are \`POST /api/v1/private/lookup\` with \`Content-Type: application/json\`, \`Authorization: PrivateToken token="…"\` (RFC 9577) and the body \`{"csi": "…"}\`, answered exactly as a single lookup; \`POST /api/v1/private/evaluate\` with \`{"epoch", "blinded": [ristretto255 elements, base64url], "tokens": [a token per element beyond the first]}\`, answered \`{"epoch", "evaluated", "proof"}\` (RFC 9497 VOPRF, ristretto255-SHA512, one DLEQ proof per batch of at most 64 elements, batch_too_large beyond); and \`POST /api/v1/private/buckets\` with \`{"epoch", "bucket_bits", "buckets": [at most 8 ids]}\`, answered with every (tag, record) of each bucket, padded (README, "Private lookups"). The metadata's \`private_lookup.oprf\` lists the OPRF keys and limits. Refusals after the gateway opened the request travel encapsulated, so only the client reads them: invalid_token and token_spent (401, with WWW-Authenticate: PrivateToken challenge=…, token-key=…), invalid_value (422), payload_too_large (413), not_found (404) for any other path, misdirected_request (421) for another origin. A token is spent only once its answer is ready. The kit's \`privateLookup\` does the whole exchange.\n\nA body over ${OHTTP_REQUEST_MAX_BYTES} bytes is 413.`,
    tags: ["Private lookups"],
    security: NO_SECURITY,
    requestBody: { required: true, content: { "message/ohttp-req": binary("An encapsulated request: key id, KEM, KDF and AEAD ids, the 32-byte enc, the sealed Binary HTTP request") } },
    responses: {
      "200": {
        description: "The encapsulated response, whatever the inner status: open it with the request's context.",
        content: { "message/ohttp-res": binary("The response nonce and the sealed Binary HTTP response, padded to a power of two from 1 KiB") },
      },
      ...problemResponses(origin, [
        { name: "plain_http", summary: "the request came over plain HTTP", error: new ApiError("https_required", PROBLEM_DETAILS.httpsRequired) },
        ...binaryBodyProblems(["message/ohttp-req"], OHTTP_REQUEST_MAX_BYTES),
        { name: "truncated", summary: "the encapsulated request is shorter than its header", error: new ApiError("invalid_encapsulation", "The encapsulated request is shorter than its header.") },
        {
          name: "unknown_key",
          summary: "the key id is not one of the gateway's keys",
          error: new ApiError("ohttp_key_unknown", PROBLEM_DETAILS.ohttpKeyUnknown, {}, { type: "https://iana.org/assignments/http-problem-types#ohttp-key" }),
        },
        { name: "unsupported_suite", summary: "the HPKE suite is not offered with that key", error: new ApiError("invalid_encapsulation", "The request uses an HPKE suite this key is not offered with.") },
        { name: "does_not_decrypt", summary: "the request was altered, or made for another key", error: new ApiError("invalid_encapsulation", "The encapsulated request does not decrypt under this key: it was altered, or made for another key.") },
        { name: "replayed", summary: "the same encapsulated request arrived before", error: new ApiError("replayed_request", PROBLEM_DETAILS.replayedRequest) },
        { name: "dependency_down", summary: "the database or the single-use store is down", error: new ApiError("service_unavailable", PROBLEM_DETAILS.serviceUnavailable) },
      ]),
    },
    "x-codeSamples": [
      { lang: "Shell", label: "curl", source: `curl -sS -X POST 'https://relay.example/' \\\n  -H 'Content-Type: message/ohttp-req' \\\n  --data-binary @request.ohttp -o response.ohttp` },
    ],
  };
}

export function ohttpKeysOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "ohttpKeys",
    summary: "The gateway's key configurations",
    description: "The gateway's keys (RFC 9458 section 3.2), application/ohttp-keys: the active key first, then retired keys still accepted (7 days after their rotation). Public; cacheable for a day.",
    tags: ["Private lookups"],
    security: NO_SECURITY,
    responses: {
      "200": { description: "The key configurations.", content: { "application/ohttp-keys": binary("Key configurations, each prefixed with its two-byte length") } },
      ...problemResponses(origin, [{ name: "database_down", summary: "the database is down", error: new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable) }]),
    },
    "x-codeSamples": curlGet(origin, OHTTP_KEYS_PATH),
  };
}

export function issuerDirectoryOperation({ origin }: DocumentOptions): ZodOpenApiOperationObject {
  return {
    operationId: "issuerDirectory",
    summary: "The token issuer directory",
    description: "The Privacy Pass issuer's request URL and keys (RFC 9578 section 4), application/private-token-issuer-directory: the key that issues now first, then keys whose tokens are still redeemed (7 days after their epoch). Public; cacheable for a day.",
    tags: ["Private lookups"],
    security: NO_SECURITY,
    responses: {
      "200": {
        description: "The directory.",
        content: {
          "application/private-token-issuer-directory": {
            schema: issuerDirectorySchema,
            examples: {
              directory: {
                summary: "One issuing key",
                description: "Illustrative key bytes.",
                value: { "issuer-request-uri": `${origin}${TOKEN_REQUEST_PATH}`, "token-keys": [{ "token-type": 2, "token-key": "MIIBUjA9BgkqhkiG9w0BAQowMKANMAsGCWCGSAFlAwQCAqEaMBgGCSqGSIb3DQEBCDALBglghkgBZQMEAgKiAwIBMAOCAQ8AMIIBCgKCAQEA…", "not-before": 1796212800 }] },
              },
            },
          },
        },
      },
      ...problemResponses(origin, [{ name: "database_down", summary: "the database is down", error: new ApiError("service_unavailable", PROBLEM_DETAILS.databaseUnreachable) }]),
    },
    "x-codeSamples": curlGet(origin, ISSUER_DIRECTORY_PATH),
  };
}
