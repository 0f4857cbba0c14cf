import type { z } from "zod";
import type { ProblemExample } from "@/http/openapi/problems";
import { ApiError, toApiError } from "@/http/problem";
import { PROBLEM_DETAILS } from "@/http/problem-details";

/**
 * The refusals several operations share, as the code that sends them builds them: the API-key door
 * (http/with-api-key.ts), the production server's https check (http/create-app-server.ts), the body reader
 * (http/read-json-body.ts) and the last-resort mapping of failures (http/problem.ts).
 */

/** Who may call, and how: the key's owner kind decides which wrong key the route meets. */
export function accessProblems(owner: "msp" | "csip"): ProblemExample[] {
  return [
    { name: "missing_key", summary: "no API key was sent", error: new ApiError("unauthorized", PROBLEM_DETAILS.missingApiKey) },
    { name: "invalid_key", summary: "the key is unknown, revoked, or its owner was removed", error: new ApiError("unauthorized", PROBLEM_DETAILS.invalidApiKey) },
    owner === "msp"
      ? { name: "csip_key", summary: "a CSIP key was sent to a lookup", error: new ApiError("forbidden", PROBLEM_DETAILS.csipKeyForLookup) }
      : { name: "msp_key", summary: "an MSP key was sent to the CSIP removal API", error: new ApiError("forbidden", PROBLEM_DETAILS.mspKeyForCsipRoute) },
    { name: "plain_http", summary: "the request came over plain HTTP", error: new ApiError("https_required", PROBLEM_DETAILS.httpsRequired) },
  ];
}

/** A JSON body read with the operation's own size limit. */
export function jsonBodyProblems(maxBytes: number): ProblemExample[] {
  return [
    { name: "no_body", summary: "the request has no body", error: new ApiError("malformed_request", PROBLEM_DETAILS.noBody) },
    { name: "not_utf8", summary: "the body is not UTF-8", error: new ApiError("malformed_request", PROBLEM_DETAILS.notUtf8) },
    { name: "invalid_json", summary: "the body is not JSON", error: new ApiError("invalid_json", PROBLEM_DETAILS.invalidJson) },
    { name: "body_too_large", summary: `the body is over ${maxBytes} bytes`, error: new ApiError("payload_too_large", PROBLEM_DETAILS.bodyTooLarge(maxBytes)) },
    { name: "wrong_content_type", summary: "the body is not sent as application/json", error: new ApiError("unsupported_media_type", PROBLEM_DETAILS.unsupportedMediaType) },
  ];
}

/**
 * A body the route's schema refuses, refused by that very schema and written as toApiError writes a ZodError, so
 * the example's issues are zod's own words.
 */
export function schemaProblem(name: string, summary: string, schema: z.ZodType, body: unknown): ProblemExample {
  const parsed = schema.safeParse(body);
  if (parsed.success) throw new Error(`the ${name} example body was expected to be refused`);
  return { name, summary, error: toApiError(parsed.error) };
}

/** Failures on the DP's side: what toApiError answers for an unknown error and for a down dependency. */
export function failureProblems(): ProblemExample[] {
  return [
    { name: "internal_error", summary: "something failed on the DP's side", error: new ApiError("internal_error", PROBLEM_DETAILS.internalError) },
    { name: "dependency_down", summary: "the database or the rate-limit store is down", error: new ApiError("service_unavailable", PROBLEM_DETAILS.serviceUnavailable) },
  ];
}
