import "server-only";
import { IdentifierError } from "@mimi-discovery/msp-kit";
import { isDatabaseUnavailable } from "@/db/errors";
import { DomainError } from "@/lib/errors/domain-error";
import { logFailure } from "@/lib/log/log-failure";
import { getMetrics } from "@/lib/metrics/metrics";

export const UNAVAILABLE_MESSAGE = "The service is temporarily unavailable. Nothing was changed; please try again shortly.";
export const UNEXPECTED_MESSAGE = "Something went wrong on our side. Nothing was changed; please try again.";

/**
 * What both action wrappers tell a person when an action fails: a domain error's own message (written for them),
 * a down dependency as "nothing changed, try again", and anything else as a message that leaks nothing. Only the
 * error's class is logged: messages and causes can carry identifiers.
 */
export function describeActionError(error: unknown, action: string): string {
  if (isDatabaseUnavailable(error)) {
    getMetrics().databaseErrors.inc();
    return UNAVAILABLE_MESSAGE;
  }
  if (error instanceof DomainError && error.kind === "unavailable") return UNAVAILABLE_MESSAGE;
  if (error instanceof DomainError || error instanceof IdentifierError) return error.message;
  logFailure(action, error);
  return UNEXPECTED_MESSAGE;
}
