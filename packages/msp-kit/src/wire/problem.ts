import { z } from "zod";

/**
 * Protocol section 6: the API's stable error codes, each with its one HTTP status and fixed title. Clients branch
 * on `code`, never on title or detail.
 */
export const PROBLEM_CODES = {
  malformed_request: { status: 400, title: "Malformed request" },
  invalid_json: { status: 400, title: "The body is not valid JSON" },
  ohttp_key_unknown: { status: 400, title: "key identifier unknown" },
  invalid_encapsulation: { status: 400, title: "The encapsulated request cannot be opened" },
  replayed_request: { status: 400, title: "The encapsulated request was already received" },
  unauthorized: { status: 401, title: "Missing or invalid credentials" },
  invalid_token: { status: 401, title: "Missing or invalid Privacy Pass token" },
  token_spent: { status: 401, title: "The token was already redeemed" },
  signature_invalid: { status: 401, title: "Missing or invalid HTTP message signature" },
  forbidden: { status: 403, title: "Not allowed" },
  https_required: { status: 403, title: "HTTPS is required" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  misdirected_request: { status: 421, title: "Misdirected request" },
  payload_too_large: { status: 413, title: "The body is too large" },
  batch_too_large: { status: 413, title: "The batch is larger than the maximum" },
  unsupported_media_type: { status: 415, title: "The body has the wrong content type" },
  invalid_value: { status: 422, title: "Invalid value" },
  rate_limited: { status: 429, title: "Rate limit reached" },
  loop_detected: { status: 508, title: "The request went through more DPs than the hop limit" },
  internal_error: { status: 500, title: "Internal error" },
  service_unavailable: { status: 503, title: "A dependency is unavailable" },
} as const;

export type ProblemCode = keyof typeof PROBLEM_CODES;

const problemCodeList = Object.keys(PROBLEM_CODES) as [ProblemCode, ...ProblemCode[]];

export const problemSchema = z
  .looseObject({
    type: z.url().describe("A link to this code's entry in the API reference"),
    title: z.string().describe("The code's fixed title"),
    status: z.number().int().min(400).max(599).describe("The HTTP status, repeated"),
    detail: z.string().describe("What went wrong with this request, for a person to read"),
    code: z.enum(problemCodeList).describe("A stable, machine-readable code: branch on this, not on title or detail"),
    issues: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .describe("invalid_value only: each member of the body that was refused, such as an unknown field"),
    identifier_error: z.string().optional().describe("invalid_value on a single lookup only: why the identifier was refused"),
    max_batch: z.number().int().min(1).optional().describe("batch_too_large only: the most identifiers a batch may carry"),
  })
  .meta({ id: "Problem", description: "An RFC 9457 problem document. Clients ignore members they do not know." });

export type Problem = z.output<typeof problemSchema>;
