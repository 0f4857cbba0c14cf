import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";

export type OtpErrorCode =
  | "rate_limited"
  | "blocked"
  | "region_not_served"
  | "unsupported_line_type"
  | "delivery_failed";

const KINDS: Record<OtpErrorCode, DomainErrorKind> = {
  rate_limited: "rate_limited",
  blocked: "rate_limited",
  region_not_served: "invalid",
  unsupported_line_type: "invalid",
  delivery_failed: "unavailable",
};

/** A code request that was refused before, or failed during, delivery. Nothing was sent. */
export class OtpError extends DomainError<OtpErrorCode> {
  constructor(
    code: OtpErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(code, KINDS[code], message, options);
  }
}
