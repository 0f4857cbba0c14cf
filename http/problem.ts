import { PROBLEM_CODES, type ProblemCode } from "@mimi-discovery/msp-kit";
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "@/db/errors";
import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";
import { logFailure } from "@/lib/log/log-failure";
import { PROBLEM_DETAILS } from "./problem-details";

/** The API's stable error codes (protocol section 6), each with its one HTTP status: the wire format's list. */
export const API_ERRORS = PROBLEM_CODES;

export type ApiErrorCode = ProblemCode;

/** A refusal as the API states it: a problem code, a detail for the person, and headers or members to add. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "ApiError";
  }

  get status(): number {
    return API_ERRORS[this.code].status;
  }
}

/** What a 503 tells a client to wait: about a PostgreSQL restart, and far longer than the gate takes to notice one. */
export const RETRY_AFTER_SECONDS = "5";

const PROBLEM_FOR_KIND: Record<DomainErrorKind, ApiErrorCode> = {
  malformed: "malformed_request",
  invalid: "invalid_value",
  forbidden: "forbidden",
  not_found: "not_found",
  conflict: "conflict",
  rate_limited: "rate_limited",
  unavailable: "service_unavailable",
};

/**
 * Every failure as the API answers it: an ApiError as itself, a ZodError as 422 with its issues, a domain error by
 * its kind, a down database or store as 503 (fail closed), and anything else as a 500 that leaks nothing.
 */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
    return new ApiError("invalid_value", PROBLEM_DETAILS.invalidMembers(issues), {}, { issues });
  }
  if ((error instanceof DomainError && error.kind === "unavailable") || isDatabaseUnavailable(error)) {
    return new ApiError("service_unavailable", PROBLEM_DETAILS.serviceUnavailable, { "retry-after": RETRY_AFTER_SECONDS });
  }
  if (error instanceof DomainError) return new ApiError(PROBLEM_FOR_KIND[error.kind], error.message);
  logFailure("api request", error);
  return new ApiError("internal_error", PROBLEM_DETAILS.internalError);
}

/** An RFC 9457 problem document, as status, headers and body, for a Fetch Response or a node:http answer alike. */
export function problemDocument(origin: string, error: ApiError): { status: number; headers: Record<string, string>; body: string } {
  const { status, title } = API_ERRORS[error.code];
  return {
    status,
    headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...error.headers },
    // `type` points at the code's entry in the API reference.
    body: JSON.stringify({ type: `${origin}/docs/api#error-${error.code}`, title, status, detail: error.detail, code: error.code, ...error.extra }),
  };
}

export function problemResponse(origin: string, error: ApiError): Response {
  const { status, headers, body } = problemDocument(origin, error);
  return new Response(body, { status, headers });
}
