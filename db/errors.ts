/** Why a database call was refused or cut short without the database's own answer. */
export type UnavailableReason =
  /** The gate knows the database is down: refused at once, nothing sent. */
  | "down"
  /** No connection was free within the deadline: nothing sent. */
  | "no_connection_in_time"
  /** A connection failed (refused, reset, closed, timed out connecting, the server shutting down). */
  | "connection_failed"
  /** Sent, and the database said nothing within the statement deadline (a partition, a hung server). */
  | "no_answer_in_time"
  /** The database cancelled the statement at its statement_timeout: it is overloaded. */
  | "statement_timeout"
  /**
   * A COMMIT the synchronous standby did not confirm in time. Nothing was acknowledged, but the transaction is
   * committed on the primary and lands on the standby when it replays again: the caller must not assume either.
   */
  | "commit_unconfirmed";

/**
 * The database cannot serve this call now: the caller answers 503 (fail closed). Deliberately without a cause and
 * without the query: this error reaches framework logs (Next logs what a page throws), and a query error carries
 * its parameters. The code of the underlying failure, when there is one, is kept as `failure`.
 */
export class DatabaseUnavailableError extends Error {
  readonly code = "DATABASE_UNAVAILABLE";

  constructor(
    readonly reason: UnavailableReason,
    readonly failure?: string,
  ) {
    super(`The database is unavailable (${reason}${failure ? `: ${failure}` : ""})`);
    this.name = "DatabaseUnavailableError";
  }
}

/** SQLSTATEs that mean "try the transaction again": serialization failure and deadlock. */
const RETRYABLE = new Set(["40001", "40P01"]);
/** Connection-level failures: the database is down or unreachable, so the request fails closed with a 503. */
const CONNECTION_FAILURE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
  "EPIPE",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now
  "08000",
  "08001",
  "08003",
  "08006",
]);
const UNAVAILABLE_CODES = new Set([...CONNECTION_FAILURE_CODES, "DATABASE_UNAVAILABLE"]);

function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current && depth < 8; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" ? code : undefined;
}

export function isRetryableTransactionError(error: unknown): boolean {
  for (const cause of causes(error)) if (RETRYABLE.has(codeOf(cause) ?? "")) return true;
  return false;
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (const cause of causes(error)) {
    if (UNAVAILABLE_CODES.has(codeOf(cause) ?? "")) return true;
    // PGlite reports a closed instance with a plain Error.
    if (cause instanceof Error && /PGlite is closed/i.test(cause.message)) return true;
  }
  return false;
}

/** The connection itself failed (as opposed to a statement the database refused): the database may be down. */
export function isConnectionFailure(error: unknown): boolean {
  for (const cause of causes(error)) if (CONNECTION_FAILURE_CODES.has(codeOf(cause) ?? "")) return true;
  return false;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (const cause of causes(error)) {
    if (codeOf(cause) !== "23505") continue;
    const name = (cause as { constraint_name?: string; constraint?: string }).constraint_name ??
      (cause as { constraint?: string }).constraint;
    return constraint === undefined || name === constraint;
  }
  return false;
}
