/** What a DP answered when it refused a request: its problem document (RFC 9457), read defensively. */
export type DpRefusal = {
  status: number;
  statusText: string;
  code: string | undefined;
  detail: string | undefined;
  retryAfter: string | undefined;
  rateLimitRemaining: string | undefined;
};

/**
 * Why talking to a DP failed. `refused` is the DP saying no (a problem document, in `refusal`); every other kind
 * means the DP could not be used: unreachable, an answer that is not what the protocol says, or an endpoint that
 * would carry the API key in clear.
 */
export class DpError extends Error {
  override readonly name = "DpError";
  constructor(
    readonly kind: "unreachable" | "bad_answer" | "insecure" | "bad_input" | "refused",
    message: string,
    readonly refusal?: DpRefusal,
  ) {
    super(message);
  }
}

/** Node's fetch hides the useful part of a network failure (ECONNREFUSED, ENOTFOUND) in its cause. */
export function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : "";
  return `${error.message}${cause}`;
}
