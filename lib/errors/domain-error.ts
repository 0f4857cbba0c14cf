/**
 * What kind of refusal a domain error is. Domain code says what went wrong; the edges decide how to say it: the
 * HTTP layer turns a kind into a problem code (and so a status), the action wrappers into a message beside the form.
 */
export type DomainErrorKind = "malformed" | "invalid" | "forbidden" | "not_found" | "conflict" | "rate_limited" | "unavailable";

/**
 * The one base of the DP's domain errors: a stable code for machines, a kind for the edges, and a message written
 * for the person, which never carries an identifier or a secret (it may be shown and logged).
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    readonly kind: DomainErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}
