import { DomainError } from "@/lib/errors/domain-error";

/** The digest app/error.tsx recognises: Next passes a thrown error's own digest to the error page unchanged. */
export const SERVICE_UNAVAILABLE_DIGEST = "MIMI_SERVICE_UNAVAILABLE";

/**
 * A page or an action cannot be served because a dependency (the database) does not answer. Thrown instead of the
 * driver's error, so that what reaches Next's log is this message and not a query with its parameters, and so that
 * the error page can say "briefly unavailable, nothing changed, still signed in" instead of "something went wrong".
 */
export class ServiceUnavailableError extends DomainError<"service_unavailable"> {
  readonly digest = SERVICE_UNAVAILABLE_DIGEST;

  constructor() {
    super("service_unavailable", "unavailable", "The service is temporarily unavailable. Nothing was changed; please try again shortly.");
  }
}
