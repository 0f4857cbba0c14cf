/** The API's stable error codes (protocol section 6), each with its one HTTP status. */
export const API_ERRORS = {
  malformed_request: { status: 400, title: "Malformed request" },
  invalid_json: { status: 400, title: "The body is not valid JSON" },
  unauthorized: { status: 401, title: "Missing or invalid credentials" },
  forbidden: { status: 403, title: "Not allowed" },
  https_required: { status: 403, title: "HTTPS is required" },
  not_found: { status: 404, title: "Not found" },
  conflict: { status: 409, title: "Conflict" },
  payload_too_large: { status: 413, title: "The body is too large" },
  batch_too_large: { status: 413, title: "The batch is larger than the maximum" },
  unsupported_media_type: { status: 415, title: "The body must be application/json" },
  invalid_value: { status: 422, title: "Invalid value" },
  rate_limited: { status: 429, title: "Rate limit reached" },
  internal_error: { status: 500, title: "Internal error" },
  service_unavailable: { status: 503, title: "A dependency is unavailable" },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

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
