import { PROBLEM_CODES, type ProblemCode } from "@mimi-discovery/msp-kit";

/** The API's stable error codes (protocol section 6), each with its one HTTP status: the wire format's list. */
export const API_ERRORS = PROBLEM_CODES;

export type ApiErrorCode = ProblemCode;

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

/** An RFC 9457 problem document. `type` points at the code's entry in the API reference. */
export function problemResponse(origin: string, error: ApiError): Response {
  const { status, title } = API_ERRORS[error.code];
  return new Response(
    JSON.stringify({ type: `${origin}/docs/api#error-${error.code}`, title, status, detail: error.detail, code: error.code, ...error.extra }),
    { status, headers: { "content-type": "application/problem+json", "cache-control": "no-store", ...error.headers } },
  );
}
