import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";

export type PasskeyErrorCode =
  | "challenge_invalid"
  | "not_verified"
  | "unknown_credential"
  | "other_account"
  | "credential_too_long"
  | "already_registered"
  | "backup_state_without_eligibility"
  | "unsupported_algorithm"
  | "counter_went_backwards"
  | "malformed_response"
  | "unknown_identifier"
  | "not_this_identifiers_passkey";

const MESSAGES: Record<PasskeyErrorCode, string> = {
  challenge_invalid: "This passkey request expired or was already used. Please try again.",
  not_verified: "The passkey response could not be verified. Please try again.",
  unknown_credential: "This passkey is not registered here. Sign in with a code and add it on your account page.",
  other_account: "This passkey belongs to another account.",
  credential_too_long: "This authenticator's credential is too long to be accepted.",
  already_registered: "This passkey is already registered.",
  backup_state_without_eligibility: "This authenticator reports an impossible backup state and was refused.",
  unsupported_algorithm: "This authenticator does not offer ES256 (P-256) keys, which signed mappings need.",
  counter_went_backwards:
    "This passkey's signature counter went backwards, which can mean it was cloned. It was refused; remove it and register a new one, and contact us if you did not expect this.",
  malformed_response: "The passkey response was malformed.",
  unknown_identifier: "That identifier is not on your account.",
  not_this_identifiers_passkey:
    "This identifier's mappings are signed with a passkey of its own, and this is not it. Choose its passkey when your browser asks.",
};

const KINDS: Partial<Record<PasskeyErrorCode, DomainErrorKind>> = {
  unknown_credential: "not_found",
  other_account: "forbidden",
  already_registered: "conflict",
  malformed_response: "malformed",
  unknown_identifier: "not_found",
  not_this_identifiers_passkey: "forbidden",
};

/** A passkey ceremony that was refused. The message is written for the person. */
export class PasskeyError extends DomainError<PasskeyErrorCode> {
  constructor(code: PasskeyErrorCode, options?: ErrorOptions) {
    super(code, KINDS[code] ?? "invalid", MESSAGES[code], options);
  }
}
