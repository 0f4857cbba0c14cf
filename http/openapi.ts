import { SINGLE_LOOKUP_MAX_BYTES } from "./body-limits";
import { z } from "zod";
import { encodeBase64url, BINDING_JWS_TYPE, type LookupItem, type MappingDocument, type ServedMapping, batchLookupRequestSchema, lookupRequestSchema, parseCsiInput } from "@mimi-discovery/msp-kit";
import { responseSchemaComponents } from "./response-schemas";
import { dpMetadata } from "@/lib/mappings/dp-metadata";
import { API_ERRORS, type ApiErrorCode } from "./problem";

/**
 * The API's OpenAPI 3.1 document, generated from the zod schemas the routes validate with and the response
 * schemas beside them, so that neither the document nor the reference page rendered from it can drift from the
 * code. Examples are built by the same functions the routes call wherever that is possible.
 */

export type JsonSchema = {
  $ref?: string;
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  additionalProperties?: boolean | JsonSchema;
  [keyword: string]: unknown;
};
export type Ref = { $ref: string };
export type OpenApiExample = { summary: string; description?: string; value: unknown };
export type OpenApiMediaType = { schema: JsonSchema; examples?: Record<string, OpenApiExample> };
export type OpenApiHeader = { description: string; required?: boolean; schema: JsonSchema };
export type OpenApiResponse = {
  description: string;
  headers?: Record<string, Ref>;
  content?: Record<string, OpenApiMediaType>;
  "x-problem-codes"?: ApiErrorCode[];
};
export type OpenApiOperation = {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security: Record<string, string[]>[];
  requestBody?: { required: true; content: Record<string, OpenApiMediaType> };
  responses: Record<string, OpenApiResponse>;
  "x-codeSamples"?: { lang: string; label: string; source: string }[];
};
export type ProblemType = { code: ApiErrorCode; status: number; title: string; type: string; description: string };
export type OpenApiDocument = {
  openapi: "3.1.0";
  info: { title: string; version: string; summary: string; description: string };
  servers: { url: string; description: string }[];
  externalDocs: { description: string; url: string };
  tags: { name: string; description: string }[];
  paths: Record<string, { get?: OpenApiOperation; post?: OpenApiOperation }>;
  components: {
    schemas: Record<string, JsonSchema>;
    headers: Record<string, OpenApiHeader>;
    securitySchemes: Record<string, { type: "http"; scheme: "bearer"; bearerFormat: string; description: string }>;
  };
  "x-problem-types": ProblemType[];
};

const JSON_SCHEMA = { target: "draft-2020-12" } as const;
const SCHEMAS = "#/components/schemas/";
const ref = (name: string): Ref => ({ $ref: `${SCHEMAS}${name}` });

/** When each code happens, and a detail as the API writes it. Keyed by ApiErrorCode: a new code fails the build. */
const ERROR_GUIDE: Record<ApiErrorCode, { when: string; detail: string | ((maxBatch: number) => string) }> = {
  malformed_request: { when: "The request cannot be read: it has no body, or the body is not UTF-8.", detail: "The body is not valid UTF-8." },
  invalid_json: {
    when: "The body is not JSON. NaN, Infinity, comments and trailing commas are not JSON.",
    detail: "The body is not valid JSON (NaN, Infinity, comments and trailing commas are not JSON).",
  },
  unauthorized: {
    when: "The Authorization: Bearer header is missing, or the key is unknown, revoked, or belongs to a removed MSP. The answer carries WWW-Authenticate.",
    detail: "The API key is unknown, revoked, or its owner was removed.",
  },
  forbidden: { when: "The key is valid but not for this route: lookups need an MSP key, not a CSIP key.", detail: "This is a CSIP key; lookups need an MSP key." },
  https_required: { when: "The request came over plain HTTP. API keys travel only over HTTPS.", detail: "Send API requests over HTTPS." },
  not_found: { when: "The resource does not exist.", detail: "There is no such resource." },
  conflict: { when: "The request conflicts with the current state of the resource.", detail: "The request conflicts with the current state." },
  payload_too_large: {
    when: "The body is over the endpoint's size limit, by its Content-Length or while it is read.",
    detail: `The body may be at most ${SINGLE_LOOKUP_MAX_BYTES} bytes.`,
  },
  batch_too_large: {
    when: "A batch carries more than max_batch identifiers. The problem names max_batch; split the batch.",
    detail: (maxBatch) => `A batch carries at most ${maxBatch} identifiers; this one has ${maxBatch + 1}.`,
  },
  unsupported_media_type: {
    when: "The Content-Type is not application/json (a charset=utf-8 parameter is allowed).",
    detail: "Send the body as Content-Type: application/json.",
  },
  invalid_value: {
    when: "The body is JSON but does not match the schema: an unknown field, a missing or mistyped one, or (for a single lookup) an invalid identifier. `issues` lists each refused member; `identifier_error` says why an identifier was refused.",
    detail: 'body: Unrecognized key: "sender"',
  },
  rate_limited: {
    when: "The MSP's lookup budget is spent: wait Retry-After seconds. Without Retry-After, this one request costs more than the whole budget: split it.",
    detail: "Your lookup limit is spent. Try again in 12 seconds.",
  },
  internal_error: { when: "Something failed on the DP's side. Nothing was changed and nothing internal is revealed.", detail: "Something went wrong on our side. Nothing was changed." },
  service_unavailable: {
    when: "The database or the rate-limit store is down. The DP fails closed: nothing was looked up and nothing was spent. Retry after Retry-After seconds.",
    detail: "A dependency of this service is down. Nothing was done; try again shortly.",
  },
};

const HEADERS: Record<string, OpenApiHeader> = {
  "RateLimit-Limit": { description: "The size of the MSP's bucket: how many identifiers it may look up at once when the bucket is full.", schema: { type: "integer", minimum: 1 } },
  "RateLimit-Remaining": { description: "Tokens left after this request: how many identifiers may be looked up now.", schema: { type: "integer", minimum: 0 } },
  "RateLimit-Reset": { description: "Seconds until the bucket is full again.", schema: { type: "integer", minimum: 0 } },
  "RateLimit-Policy": { description: 'The bucket as "<size>;w=<seconds an empty bucket takes to refill>", such as 1000;w=60.', schema: { type: "string" } },
  "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } },
  "WWW-Authenticate": { description: 'The Bearer challenge: Bearer, or Bearer error="invalid_token" for a key that is not accepted.', schema: { type: "string" } },
};
const headerRefs = (...names: (keyof typeof HEADERS)[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
const RATE_LIMIT_HEADERS = ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "RateLimit-Policy"];

/**
 * Words for the schemas that come from the verifier, which describes structure only. A member renamed there loses
 * its words here, and the tests, which want every member of these objects described, say so.
 */
const IMPORTED_DESCRIPTIONS: Record<string, { description: string; properties?: Record<string, string> }> = {
  MappingDocument: {
    description: "A mapping (protocol section 2), served as the exact bytes the recipient signed with a passkey",
    properties: {
      v: "The format version",
      dp: "The issuer origin of the DP that holds the mapping, as `issuer` in its metadata",
      csi: "The identifier as a normalised URI: tel:+E164 or mailto:address",
      seq: "Grows with every new mapping of this identifier",
      fresh: "True when publishing this mapping de-listed every earlier mapping of the identifier",
      label: "The recipient's name for this mapping, such as Personal or Work",
      created: "When the recipient signed it: RFC 3339, UTC, whole seconds",
      expires: "After which it is never served: RFC 3339, UTC, whole seconds",
      entries: "Where the recipient may be reached, and by whom. Empty is a deliberate opt-out: a mapping that lists no MSP",
    },
  },
  MappingEntry: {
    description: "One MSP where the recipient may be reached, by the senders its audience names",
    properties: {
      msp: "The id (a lower-case domain name) of an MSP registered with the DP",
      tags: "The recipient's labels for this entry, such as Personal or Business",
      priority: "1 is the most preferred",
      audience: "Which senders this entry is for",
    },
  },
  Audience: {
    description:
      "Which senders an entry is for: everyone; sender_msps, senders on the listed MSPs; same_msp, senders on the entry's own MSP; context, senders who declare one of the tags; senders, particular senders, as base64url(scrypt(sender's normalised identifier, salt, N=16384, r=8, p=1, 32 bytes)) selectors that the querying MSP checks itself. The most specific matching kind wins, then the lowest priority",
  },
};

function describeImported(id: string, schema: JsonSchema): JsonSchema {
  const words = IMPORTED_DESCRIPTIONS[id];
  if (!words) return schema;
  const properties = schema.properties && Object.fromEntries(
    Object.entries(schema.properties).map(([name, member]) => [name, words.properties?.[name] ? { ...member, description: words.properties[name] } : member]),
  );
  return { ...schema, description: words.description, ...(properties && { properties }) };
}

let componentSchemaCache: Record<string, JsonSchema> | undefined;

/** The response schemas as one set of components that refer to each other by $ref. */
function componentSchemas(): Record<string, JsonSchema> {
  if (componentSchemaCache) return componentSchemaCache;
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(responseSchemaComponents)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { ...JSON_SCHEMA, uri: (id) => `${SCHEMAS}${id}` });
  componentSchemaCache = Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, describeImported(id, schema as JsonSchema)]),
  );
  return componentSchemaCache;
}

/** A route's request schema, exactly as zod writes it, without the dialect that OpenAPI 3.1 already implies. */
function requestSchema(schema: z.ZodType): JsonSchema {
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { ...JSON_SCHEMA, io: "input" });
  // A schema with a wire id comes back as a reference to its one definition.
  const defs = json.$defs as Record<string, JsonSchema> | undefined;
  const ref = typeof json.$ref === "string" ? json.$ref.replace("#/$defs/", "") : undefined;
  return (ref && defs?.[ref] ? defs[ref] : json) as JsonSchema;
}

function problemExample(origin: string, code: ApiErrorCode, maxBatch: number): OpenApiExample {
  const { status, title } = API_ERRORS[code];
  const extra =
    code === "invalid_value"
      ? { issues: [{ path: "", message: 'Unrecognized key: "sender"' }] }
      : code === "batch_too_large"
        ? { max_batch: maxBatch }
        : {};
  const guide = ERROR_GUIDE[code].detail;
  const detail = typeof guide === "function" ? guide(maxBatch) : guide;
  return { summary: `${code}: ${title}`, value: { type: `${origin}/docs/api#error-${code}`, title, status, detail, code, ...extra } };
}

/** The error answers of an operation, one response per status, every one a problem document. */
function problemResponses(origin: string, maxBatch: number, codes: ApiErrorCode[]): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ApiErrorCode[]>();
  for (const code of codes) byStatus.set(API_ERRORS[code].status, [...(byStatus.get(API_ERRORS[code].status) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, statusCodes]) => {
      const headers =
        status === 401 ? headerRefs("WWW-Authenticate") : status === 429 ? headerRefs(...RATE_LIMIT_HEADERS, "Retry-After") : status === 503 ? headerRefs("Retry-After") : undefined;
      const response: OpenApiResponse = {
        description: statusCodes.map((code) => `${code}: ${ERROR_GUIDE[code].when}`).join("\n\n"),
        ...(headers && { headers }),
        content: {
          "application/problem+json": {
            schema: ref("Problem"),
            examples: Object.fromEntries(statusCodes.map((code) => [code, problemExample(origin, code, maxBatch)])),
          },
        },
        "x-problem-codes": statusCodes,
      };
      return [String(status), response];
    }),
  );
}

const MSP_ERRORS: ApiErrorCode[] = ["malformed_request", "invalid_json", "unauthorized", "forbidden", "payload_too_large", "unsupported_media_type", "invalid_value", "rate_limited", "internal_error", "service_unavailable"];

/** Fixed, visibly artificial bytes: the examples have the proof's shape, but nobody can mistake them for a key. */
const filler = (label: string, length: number) => encodeBase64url(new TextEncoder().encode(label.repeat(Math.ceil(length / label.length)).slice(0, length)));
const base64urlJson = (value: unknown) => encodeBase64url(new TextEncoder().encode(JSON.stringify(value)));
const EXAMPLE_KID = filler("example-kid-", 32);
const EXAMPLE_KEY = { kty: "EC", crv: "P-256", x: filler("example-x-", 32), y: filler("example-y-", 32) } as const;

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

const normalise = (input: string) => {
  const parsed = parseCsiInput(input);
  if (!parsed.ok) throw new Error(`example identifier ${input} is invalid`);
  return parsed.csi.uri;
};

/** Realistic answers (protocol section 2's example mapping), normalised by the API's own parser. */
function lookupExamples(origin: string) {
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
  const badInput = "4085551212";
  const bad = parseCsiInput(badInput);
  if (bad.ok) throw new Error(`example identifier ${badInput} was expected to be invalid`);
  const errorSlot: LookupItem = { input: badInput, error: bad.error };
  return { found, optedOut, none, errorSlot, badInput };
}

const curl = (origin: string, path: string, body: unknown) =>
  [`curl -sS -X POST '${origin}${path}' \\`, `  -H "Authorization: Bearer $MIMI_API_KEY" \\`, `  -H 'Content-Type: application/json' \\`, `  --data '${JSON.stringify(body)}'`].join("\n");

const INTRO = `The lookup API lets a messaging service provider (MSP) find out where the owner of a phone number or email address wants to be reached. It answers with the mappings the owner published at this Discovery Provider (DP); each is signed with the owner's passkey and can be verified offline against the DP's published keys. This is version 1 of the discovery protocol for IETF MIMI.

## Authentication

Every lookup carries an MSP API key: \`Authorization: Bearer mimi_msp_…\`. The operator of this DP issues keys to registered MSPs; a key is shown once and can be revoked at any time. A missing, unknown or revoked key is 401; a key of another kind, such as a CSIP key, is 403. The metadata and the key set are public.

## Rate limits

Each MSP has a budget of tokens that refills continuously, and every identifier looked up costs one: a batch of 500 costs 500. An identifier repeated in one batch is answered in every slot but counted once, and an invalid identifier costs nothing. Successful answers carry \`RateLimit-Limit\`, \`RateLimit-Remaining\`, \`RateLimit-Reset\` and \`RateLimit-Policy\`. Once the budget is spent the answer is 429 with \`Retry-After\`; a single request that costs more than the whole budget is 429 without \`Retry-After\`: split it.

## Privacy

Nothing in a lookup identifies the sender person. The body names the identifier looked up and, optionally, the sender's MSP and a declared context, which the DP neither uses nor stores. No lookup is logged. Which entry of a mapping applies to a particular sender is worked out by the querying MSP, from the mapping it received.

## Requests and errors

Send bodies as JSON with \`Content-Type: application/json\`; anything else is 415. A body over the endpoint's limit is 413. Unknown fields are refused with 422, as are values that do not match the schema. Every error is an RFC 9457 problem document (\`application/problem+json\`) with a stable \`code\`, listed under Errors.`;

export function buildOpenApiDocument(options: { origin: string; maxBatch: number }): OpenApiDocument {
  const { origin, maxBatch } = options;
  const examples = lookupExamples(origin);
  const lookupBody = { csi: "+1 (408) 555-1212" };
  const batchBody = { csis: ["+1 (408) 555-1212", "alice@example.org", examples.badInput, "tel:+14085551212"] };
  const batchRequest = requestSchema(batchLookupRequestSchema);
  batchRequest.properties!.csis!.maxItems = maxBatch;
  const jsonBody = (schema: string, example: unknown) => ({
    required: true as const,
    content: { "application/json": { schema: ref(schema), examples: { example: { summary: "A request", value: example } } } },
  });
  const mspSecurity = [{ mspApiKey: [] }];
  const json = (schema: string, exampleSet: Record<string, OpenApiExample>) => ({ "application/json": { schema: ref(schema), examples: exampleSet } });
  const illustrative = "Illustrative values: the proof has the right shape but is not a real signature, so it does not verify.";

  return {
    openapi: "3.1.0",
    info: {
      title: "mimi-discovery API",
      version: "1",
      summary: "Look up where the owner of a phone number or email address wants to be reached, verifiably.",
      description: INTRO,
    },
    servers: [{ url: origin, description: "This Discovery Provider" }],
    externalDocs: { description: "The API reference", url: `${origin}/docs/api` },
    tags: [
      { name: "Lookup", description: "For messaging service providers, with an MSP API key" },
      { name: "Discovery", description: "Public: what a sender needs to find the endpoints and verify mappings" },
    ],
    paths: {
      "/api/v1/lookup": {
        post: {
          operationId: "lookup",
          summary: "Look up one identifier",
          description:
            `Answers with every active mapping of one identifier, oldest first. Send the identifier loosely (\`+1 (408) 555-1212\`, \`Bob@Example.COM\`, \`tel:+14085551212\`, \`mailto:bob@example.com\`; numbers need their country code); the answer names it in its normalised URI form. An invalid identifier is 422 with \`identifier_error\`. Costs one token.\n\nUnknown fields are refused (422). A body over ${SINGLE_LOOKUP_MAX_BYTES} bytes is 413; a Content-Type other than application/json is 415.`,
          tags: ["Lookup"],
          security: mspSecurity,
          requestBody: jsonBody("LookupRequest", lookupBody),
          responses: {
            "200": {
              description: "The identifier's mappings. Check each one's proof before you use it.",
              headers: headerRefs(...RATE_LIMIT_HEADERS),
              content: json("LookupResult", {
                found: { summary: "found: at least one mapping lists an MSP", description: illustrative, value: examples.found },
                opted_out: { summary: "opted_out: mappings exist and all list no MSP", description: illustrative, value: examples.optedOut },
                none: { summary: "none: no mapping exists", value: examples.none },
              }),
            },
            ...problemResponses(origin, maxBatch, MSP_ERRORS),
          },
          "x-codeSamples": [{ lang: "Shell", label: "curl", source: curl(origin, "/api/v1/lookup", lookupBody) }],
        },
      },
      "/api/v1/lookup/batch": {
        post: {
          operationId: "lookupBatch",
          summary: "Look up many identifiers",
          description: `Looks up at most ${maxBatch} identifiers (max_batch, also published in the metadata) in one request. Results come back in request order, one per item sent. An invalid identifier, or an item that is not a string, yields \`{ input, error }\` in its slot and the rest of the batch is answered. Duplicate identifiers (after normalisation: \`+1 408 555 1212\` and \`tel:+14085551212\` are one) are answered in each slot but counted once. Costs one token per distinct valid identifier.\n\nMore than max_batch items is 413 with code batch_too_large. Unknown fields and an empty list are refused (422). A body over the size limit is 413; a Content-Type other than application/json is 415.`,
          tags: ["Lookup"],
          security: mspSecurity,
          requestBody: jsonBody("BatchLookupRequest", batchBody),
          responses: {
            "200": {
              description: "One result per identifier sent, in request order.",
              headers: headerRefs(...RATE_LIMIT_HEADERS),
              content: json("BatchLookupResponse", {
                mixed: {
                  summary: "A found number, an unknown address, an invalid number and a repeat (this batch costs 2 tokens)",
                  description: illustrative,
                  value: { results: [examples.found, examples.none, examples.errorSlot, examples.found] },
                },
              }),
            },
            ...problemResponses(origin, maxBatch, [...MSP_ERRORS, "batch_too_large"]),
          },
          "x-codeSamples": [{ lang: "Shell", label: "curl", source: curl(origin, "/api/v1/lookup/batch", batchBody) }],
        },
      },
      "/.well-known/mimi-discovery": {
        get: {
          operationId: "discoveryMetadata",
          summary: "Discovery metadata",
          description: "Where this DP's endpoints and keys are, its max_batch, and the issuer and rp_id that a verifier checks mappings against. Public; cacheable for 5 minutes.",
          tags: ["Discovery"],
          security: [],
          responses: { "200": { description: "The metadata.", content: json("DiscoveryMetadata", { metadata: { summary: "This DP's metadata", value: dpMetadata(origin, maxBatch) } }) } },
          "x-codeSamples": [{ lang: "Shell", label: "curl", source: `curl -sS '${origin}/.well-known/mimi-discovery'` }],
        },
      },
      "/.well-known/jwks.json": {
        get: {
          operationId: "jwks",
          summary: "The DP's public keys",
          description: "The keys that verify the `binding` of every served mapping. A rotated-out key stays published until the last binding it signed expires. Public; served as application/jwk-set+json and cacheable for 5 minutes.",
          tags: ["Discovery"],
          security: [],
          responses: {
            "200": {
              description: "The key set.",
              content: {
                "application/jwk-set+json": {
                  schema: ref("JsonWebKeySet"),
                  examples: { keys: { summary: "One active key", description: "Illustrative values.", value: { keys: [{ ...EXAMPLE_KEY, kid: EXAMPLE_KID, alg: "ES256", use: "sig" }] } } },
                },
              },
            },
            ...problemResponses(origin, maxBatch, ["service_unavailable"]),
          },
          "x-codeSamples": [{ lang: "Shell", label: "curl", source: `curl -sS '${origin}/.well-known/jwks.json'` }],
        },
      },
    },
    components: {
      schemas: { LookupRequest: requestSchema(lookupRequestSchema), BatchLookupRequest: batchRequest, ...componentSchemas() },
      headers: HEADERS,
      securitySchemes: {
        mspApiKey: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "mimi_msp_<8 characters>.<43 characters>",
          description: "An MSP API key, issued by this DP's operator to a registered messaging service provider and shown once.",
        },
      },
    },
    "x-problem-types": (Object.keys(API_ERRORS) as ApiErrorCode[]).map((code) => ({
      code,
      ...API_ERRORS[code],
      type: `${origin}/docs/api#error-${code}`,
      description: ERROR_GUIDE[code].when,
    })),
  };
}
