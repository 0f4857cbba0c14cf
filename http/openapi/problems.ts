import { problemSchema } from "@mimi-discovery/msp-kit";
import type { ZodOpenApiResponseObject } from "zod-openapi";
import { headerRefs, RATE_LIMIT_HEADERS } from "@/http/openapi/headers";
import type { OpenApiExample, ProblemType } from "@/http/openapi/types";
import { API_ERRORS, problemDocument, type ApiError, type ApiErrorCode } from "@/http/problem";

/**
 * The error answers of the reference. Each example is an ApiError, built with the catalogue's detail
 * (http/problem-details.ts) and the operation's own numbers, and shown exactly as problemDocument writes it for a
 * client; http/openapi-errors.test.ts provokes every one of them against the real routes.
 */
export type ProblemExample = {
  /** Unique within its operation: the test names each provoked example by operationId and this name. */
  name: string;
  /** When this happens, in a few words. */
  summary: string;
  error: ApiError;
};

/** When each code happens, for every operation that can answer it. Keyed by ApiErrorCode: a new code fails the build. */
export const PROBLEM_GUIDE: Record<ApiErrorCode, string> = {
  malformed_request:
    "The request cannot be read: it has no body, the body is not UTF-8, or (CSIP removals) the Idempotency-Key header is not 1 to 255 visible ASCII characters.",
  invalid_json: "The body is not JSON. NaN, Infinity, comments and trailing commas are not JSON.",
  ohttp_key_unknown:
    "The encapsulated request names an OHTTP key id this gateway does not hold (RFC 9458 section 5.3; the type is IANA's ohttp-key problem type). Fetch /.well-known/ohttp-gateway again and encapsulate to its first key.",
  invalid_encapsulation:
    "The gateway cannot open the encapsulated request: it is truncated, uses an HPKE suite the key is not offered with, does not decrypt, or does not hold a Binary HTTP request.",
  replayed_request: "This encapsulated request was already received. Each request is encapsulated afresh; a replay is refused before any work.",
  invalid_token:
    "The Authorization: PrivateToken credential is missing or cannot be used: malformed, made for another challenge, by a key this DP does not accept (retired or foreign), or not validly signed. The answer carries WWW-Authenticate with this DP's challenge and token key.",
  token_spent: "The token was already redeemed. Each token pays for one lookup; fetch a new one.",
  unauthorized:
    "The Authorization: Bearer header is missing, or the key is unknown, revoked, or belongs to a removed MSP or CSIP. The answer carries WWW-Authenticate.",
  signature_invalid:
    "Federation endpoints only: the DP-to-DP request is not signed (RFC 9421), is signed by a DP that is not in the directory or under a key it does not publish, has expired, does not match its Content-Digest, or was already received (its nonce). The answer carries WWW-Authenticate: Signature.",
  loop_detected: "Federation endpoints only: the request has passed through more DPs than the hop limit; it is not forwarded again.",
  forbidden: "The key is valid but not for this route: lookups need an MSP key, CSIP removals a CSIP key.",
  https_required: "The request came over plain HTTP. API keys travel only over HTTPS.",
  not_found: "The resource does not exist (through the gateway: only the private endpoints can be reached).",
  misdirected_request: "The encapsulated request is addressed to another origin than this DP. The gateway serves its own private endpoints only.",
  conflict: "The Idempotency-Key was first used with a different request body. Nothing was done; use a new key for a new request.",
  payload_too_large: "The body is over the endpoint's size limit, by its Content-Length or while it is read.",
  batch_too_large: "A batch carries more than max_batch identifiers. The problem names max_batch; split the batch.",
  unsupported_media_type: "The Content-Type is not application/json (a charset=utf-8 parameter is allowed).",
  invalid_value:
    "The body is JSON but does not match the schema: an unknown field, a missing or mistyped one, or (for a single lookup) an invalid identifier. `issues` lists each refused member; `identifier_error` says why an identifier was refused.",
  rate_limited:
    "The MSP's lookup budget is spent: wait Retry-After seconds. Without Retry-After, this one request costs more than the whole budget: split it.",
  internal_error: "Something failed on the DP's side. Nothing was changed and nothing internal is revealed.",
  service_unavailable:
    "The database or the rate-limit store is down. The DP fails closed: nothing was looked up, changed or spent. Retry after Retry-After seconds.",
};

export function problemExample(origin: string, example: ProblemExample): OpenApiExample {
  return { summary: `${example.error.code}: ${example.summary}`, value: JSON.parse(problemDocument(origin, example.error).body) as unknown };
}

/** The headers that come with every answer of a status, whichever code it carries. */
function headersFor(status: number) {
  if (status === 401) return headerRefs("WWW-Authenticate");
  if (status === 429) return headerRefs(...RATE_LIMIT_HEADERS, "Retry-After");
  if (status === 503) return headerRefs("Retry-After");
  return undefined;
}

/** The error answers of an operation, one response per status, each a problem document with its examples. */
export function problemResponses(origin: string, examples: ProblemExample[]): Record<string, ZodOpenApiResponseObject> {
  const names = new Set(examples.map((example) => example.name));
  if (names.size !== examples.length) throw new Error("two problem examples of one operation share a name");
  const byStatus = new Map<number, ProblemExample[]>();
  for (const example of examples) byStatus.set(example.error.status, [...(byStatus.get(example.error.status) ?? []), example]);
  return Object.fromEntries(
    [...byStatus].map(([status, statusExamples]) => {
      const codes = [...new Set(statusExamples.map((example) => example.error.code))];
      const headers = headersFor(status);
      const response: ZodOpenApiResponseObject = {
        description: codes.map((code) => `${code}: ${PROBLEM_GUIDE[code]}`).join("\n\n"),
        ...(headers && { headers }),
        content: {
          "application/problem+json": {
            schema: problemSchema,
            examples: Object.fromEntries(statusExamples.map((example) => [example.name, problemExample(origin, example)])),
          },
        },
        "x-problem-codes": codes,
      };
      return [String(status), response];
    }),
  );
}

/** Every code the API can answer with, for the reference's list of errors (x-problem-types). */
export function problemTypes(origin: string): ProblemType[] {
  return (Object.keys(API_ERRORS) as ApiErrorCode[]).map((code) => ({
    code,
    ...API_ERRORS[code],
    type: `${origin}/docs/api#error-${code}`,
    description: PROBLEM_GUIDE[code],
  }));
}
