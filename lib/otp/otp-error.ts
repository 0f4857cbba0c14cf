export type OtpErrorCode =
  | "rate_limited"
  | "blocked"
  | "region_not_served"
  | "unsupported_line_type"
  | "delivery_failed";

/** A code request that was refused before, or failed during, delivery. Nothing was sent. */
export class OtpError extends Error {
  constructor(
    readonly code: OtpErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "OtpError";
  }
}
