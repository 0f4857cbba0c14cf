/** Why an identifier was refused. The code is stable for machines; the message is written for the person typing. */
export type IdentifierErrorCode =
  | "empty"
  | "too_long"
  | "control_characters"
  | "letters_in_number"
  | "extension_not_allowed"
  | "missing_country_code"
  | "invalid_number"
  | "unsupported_line_type"
  | "display_name_not_allowed"
  | "comment_not_allowed"
  | "quoted_local_part"
  | "not_one_at_sign"
  | "invalid_local_part"
  | "invalid_domain";

export class IdentifierError extends Error {
  constructor(
    readonly code: IdentifierErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "IdentifierError";
  }
}
