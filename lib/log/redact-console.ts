import { describeError } from "./log-failure";

/**
 * A last line of defence for what frameworks log on their own: Next prints whatever a page throws, whole. A query
 * error carries its parameters (an identifier looked up, a session token's hash), so any logged value whose cause
 * chain holds a query is replaced by describeError's account of it (class names and codes). Our own code logs
 * through logFailure already; this is for the code we do not write.
 */
export function redactQueryErrors(target: Pick<Console, "error" | "warn" | "log" | "info"> = console): void {
  for (const level of ["error", "warn", "log", "info"] as const) {
    const original = target[level].bind(target);
    target[level] = (...args: unknown[]) => original(...args.map((arg) => (carriesQuery(arg) ? `[${describeError(arg)}]` : arg)));
  }
}

function carriesQuery(value: unknown): boolean {
  let current = value;
  for (let depth = 0; current && typeof current === "object" && depth < 8; depth += 1) {
    if ("params" in current || "parameters" in current || "query" in current) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
