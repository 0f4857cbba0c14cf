import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";

export type MappingErrorCode =
  | "identifier_not_verified"
  | "unknown_msp"
  | "no_passkey"
  | "conflict"
  | "proof_invalid"
  | "not_found";

const MESSAGES: Record<MappingErrorCode, string> = {
  identifier_not_verified: "This identifier is not verified on your account.",
  unknown_msp: "A messaging service in this mapping is not registered here.",
  no_passkey: "Register a passkey first: mappings are signed with it.",
  conflict: "Another change to this identifier was published meanwhile (in another tab or device). Review the mapping and sign again.",
  proof_invalid: "The signed mapping did not verify, so it was not published.",
  not_found: "That mapping does not exist on your account.",
};

const KINDS: Record<MappingErrorCode, DomainErrorKind> = {
  identifier_not_verified: "forbidden",
  unknown_msp: "invalid",
  no_passkey: "invalid",
  conflict: "conflict",
  proof_invalid: "invalid",
  not_found: "not_found",
};

export class MappingError extends DomainError<MappingErrorCode> {
  constructor(
    code: MappingErrorCode,
    readonly details?: unknown,
  ) {
    super(code, KINDS[code], MESSAGES[code]);
  }
}
