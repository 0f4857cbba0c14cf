import { INVALID_IDEMPOTENCY_KEY_MESSAGE, REUSED_IDEMPOTENCY_KEY_MESSAGE } from "@/lib/removals/idempotency";

/**
 * Every `detail` the API layer writes into a problem document, in one place. The code sends these, and the OpenAPI
 * document builds its problem examples from them with each operation's own numbers, so http/openapi-errors.test.ts
 * can provoke each documented example and prove the reference shows what a client really gets. Details are written
 * for people; clients branch on `code`, so rewording one here is safe, and it changes the reference with it.
 *
 * A domain refusal keeps its message beside its rule (lib/ never imports http/); the API answers with that message
 * as the detail, so the ones the API documents are referred to here rather than copied.
 */
export const PROBLEM_DETAILS = {
  // http/with-api-key.ts: who may call.
  missingApiKey: "Send your API key as Authorization: Bearer <key>.",
  invalidApiKey: "The API key is unknown, revoked, or its owner was removed.",
  csipKeyForLookup: "This is a CSIP key; lookups need an MSP key.",
  mspKeyForCsipRoute: "This is an MSP key; this route needs a CSIP key.",
  lookupLimitSpent: (retryAfterSeconds: number) => `Your lookup limit is spent. Try again in ${retryAfterSeconds} seconds.`,
  costAboveBurst: (cost: number, burst: number) =>
    `This request looks up ${cost} identifiers, more than your limit allows at once (${burst}). Split it.`,

  // http/read-json-body.ts: the body as bytes, before any schema.
  unsupportedMediaType: "Send the body as Content-Type: application/json.",
  bodyTooLarge: (maxBytes: number) => `The body may be at most ${maxBytes} bytes.`,
  noBody: "The request has no body.",
  notUtf8: "The body is not valid UTF-8.",
  invalidJson: "The body is not valid JSON (NaN, Infinity, comments and trailing commas are not JSON).",

  binaryMediaType: (mediaTypes: readonly string[]) => `Send the body as Content-Type: ${mediaTypes.join(" or ")}.`,

  // The lookup routes.
  invalidIdentifier: (identifierDetail: string) => `csi: ${identifierDetail}`,
  batchTooLarge: (maxBatch: number, size: number) => `A batch carries at most ${maxBatch} identifiers; this one has ${size}.`,

  // http/problem.ts: a body refused by its schema, each refused member as "path: message" (the body itself as "body").
  invalidMembers: (issues: readonly { path: string; message: string }[]) =>
    issues.map((issue) => `${issue.path || "body"}: ${issue.message}`).join("; "),
  serviceUnavailable: "A dependency of this service is down. Nothing was done; try again shortly.",
  internalError: "Something went wrong on our side. Nothing was changed.",

  // The public documents, which have no API key door to go through.
  databaseUnreachable: "The database is not reachable.",

  // http/with-peer-signature.ts: DP-to-DP requests (protocol section 8).
  noDirectoryPublished: "This DP publishes no directory (DIRECTORY_FILE is not set).",
  noFederation: "This DP takes part in no federation: it has no directory of peers.",
  directoryUntrusted: (reason: string) => `This DP's directory of peers cannot be trusted now, so it answers no peer: ${reason}`,
  hopLimit: (hops: number, max: number) => `The request has passed through ${hops} DPs; the hop limit is ${max}. It is not answered, so that a loop between DPs ends here.`,

  // http/health.ts: readiness, for balancers and orchestrators.
  starting: "This instance is starting; it is not serving yet.",
  draining: "This instance is shutting down; send requests to another one.",
  dependenciesDown: (names: readonly string[]) => `Not ready: ${names.join(" and ")} ${names.length === 1 ? "does" : "do"} not answer.`,

  // http/create-app-server.ts: in production, before any route runs.
  httpsRequired: "This API answers only over HTTPS.",

  // Private lookups (protocol section 7): the token issuer, the OHTTP gateway, and the token a private request pays with.
  noTokenIssuable: "No token of the batch can be issued: each names a key that does not issue now. Fetch /.well-known/private-token-issuer-directory again.",
  ohttpKeyUnknown: "The encapsulated request names a key id this gateway does not hold. Fetch /.well-known/ohttp-gateway again.",
  replayedRequest: "This encapsulated request was already received. Encapsulate every request afresh.",
  notPrivatePath: "Through the gateway, only POST /api/v1/private/lookup, /api/v1/private/evaluate and /api/v1/private/buckets can be reached.",
  misdirectedRequest: (origin: string) => `The encapsulated request is addressed to another origin; this gateway serves ${origin} only.`,
  innerRequestUnreadable: (reason: string) => `The encapsulated request does not hold a Binary HTTP request: ${reason}.`,
  privateLookupMembers: "A private lookup carries the identifier only: csi. Nothing about the sender travels with it.",

  // The CSIP removal route's Idempotency-Key (lib/removals/idempotency.ts).
  invalidIdempotencyKey: INVALID_IDEMPOTENCY_KEY_MESSAGE,
  reusedIdempotencyKey: REUSED_IDEMPOTENCY_KEY_MESSAGE,
} as const;
