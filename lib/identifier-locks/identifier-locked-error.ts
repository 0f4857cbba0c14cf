import type { IdentifierLockReason } from "@/db/schema";
import { DomainError } from "@/lib/errors/domain-error";
import { LOCK_REASON_REFUSALS } from "./lock-reasons";

/**
 * A change of holder refused because the identifier's CSIP locked it. The message gives the CSIP's reason, and never
 * the CSIP's name or anything of the account that holds the identifier.
 */
export class IdentifierLockedError extends DomainError<"identifier_locked"> {
  constructor(
    readonly reason: IdentifierLockReason,
    kind: "tel" | "mailto",
  ) {
    const what = kind === "tel" ? "number" : "address";
    super(
      "identifier_locked",
      "forbidden",
      `The provider of this ${what} has locked it against a change of holder, because ${LOCK_REASON_REFUSALS[reason]}. Nothing was changed. If it was given to you recently, ask your provider to lift the lock, then try again.`,
    );
  }
}
