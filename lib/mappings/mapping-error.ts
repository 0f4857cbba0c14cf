import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";

export type MappingErrorCode =
  | "identifier_not_verified"
  | "unknown_msp"
  | "no_passkey"
  | "conflict"
  | "proof_invalid"
  | "not_found"
  | "wrong_region";

const MESSAGES: Record<MappingErrorCode, string> = {
  identifier_not_verified: "This identifier is not verified on your account.",
  unknown_msp: "A messaging service in this mapping is not registered here.",
  no_passkey: "Register a passkey first: mappings are signed with it.",
  conflict: "Another change to this identifier was published meanwhile (in another tab or device). Review the mapping and sign again.",
  proof_invalid: "The signed mapping did not verify, so it was not published.",
  not_found: "That mapping does not exist on your account.",
  wrong_region: "This identifier belongs to another region, and this discovery provider stores mappings of its own region only.",
};

const KINDS: Record<MappingErrorCode, DomainErrorKind> = {
  identifier_not_verified: "forbidden",
  unknown_msp: "invalid",
  no_passkey: "invalid",
  conflict: "conflict",
  proof_invalid: "invalid",
  not_found: "not_found",
  wrong_region: "forbidden",
};

export class MappingError extends DomainError<MappingErrorCode> {
  constructor(
    code: MappingErrorCode,
    readonly details?: unknown,
  ) {
    super(code, KINDS[code], code === "wrong_region" ? regionMessage(details) : MESSAGES[code]);
  }
}

// A recipient of another region is sent to its DP by name when the directory names one.
function regionMessage(details: unknown): string {
  const dp = (details as { dp?: unknown } | undefined)?.dp;
  return typeof dp === "string" ? `${MESSAGES.wrong_region} Publish its mapping at ${dp}, the discovery provider of its region.` : MESSAGES.wrong_region;
}
