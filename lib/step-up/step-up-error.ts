import { DomainError, type DomainErrorKind } from "@/lib/errors/domain-error";

export type StepUpErrorCode = "ended" | "wrong_passkey" | "same_identifier" | "no_code" | "not_offered";

const MESSAGES: Record<StepUpErrorCode, string> = {
  ended: "This sign-in has ended: it lasts 10 minutes, and ends once it is finished in any tab. Nothing was changed. Start again.",
  wrong_passkey: "That passkey is not one of this account's. Nothing was changed: use this account's passkey, or choose another way below.",
  same_identifier: "Type another of your phone numbers or email addresses, not the one you just signed in with.",
  no_code: "Ask for a code first.",
  not_offered: "This choice is not open for this account. Nothing was changed.",
};

const KINDS: Record<StepUpErrorCode, DomainErrorKind> = {
  ended: "invalid",
  wrong_passkey: "forbidden",
  same_identifier: "invalid",
  no_code: "invalid",
  not_offered: "forbidden",
};

/** A step after a code sign-in that was refused. Whatever it was, nothing of the account was shown or changed. */
export class StepUpError extends DomainError<StepUpErrorCode> {
  constructor(code: StepUpErrorCode, options?: ErrorOptions) {
    super(code, KINDS[code], MESSAGES[code], options);
  }
}
