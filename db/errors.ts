/** SQLSTATEs that mean "try the transaction again": serialization failure and deadlock. */
const RETRYABLE = new Set(["40001", "40P01"]);
/** Connection-level failures: the database is down or unreachable, so the request fails closed with a 503. */
const UNAVAILABLE_CODES = new Set([
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

function* causes(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current && depth < 8; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

function codeOf(error: unknown): string | undefined {
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

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  for (const cause of causes(error)) {
    if (codeOf(cause) !== "23505") continue;
    const name = (cause as { constraint_name?: string; constraint?: string }).constraint_name ??
      (cause as { constraint?: string }).constraint;
    return constraint === undefined || name === constraint;
  }
  return false;
}
