import { getLogger } from "./logger";

/**
 * What of an error may reach a log line: the class names and the machine codes along its cause chain, never a
 * message, a stack or the object itself. Messages carry whatever the failing call was given: an SMTP error names its
 * recipient, a query error its parameters, an Auth.js error the request's URL. Logs hold no identifier, ever.
 */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    parts.push(describeOne(current));
    current = (current as { cause?: unknown }).cause;
  }
  return parts.join(" <- ") || "nothing";
}

/** Logs that `event` failed, with describeError's account of why. The one place server code logs a failure. */
export function logFailure(event: string, error: unknown): void {
  getLogger().error({ event, error: describeError(error) }, `${event} failed`);
}

// A code is shown only when it looks like one (ECONNREFUSED, 23505, delivery_failed): a free-text "code" is dropped.
const CODE = /^[A-Za-z0-9_.:-]{1,64}$/u;

function describeOne(value: unknown): string {
  if (typeof value !== "object" || value === null) return typeof value;
  const name = value instanceof Error ? value.name : (value.constructor?.name ?? "object");
  const code = (value as { code?: unknown }).code;
  const shown = (typeof code === "string" || typeof code === "number") && CODE.test(String(code)) ? `(${code})` : "";
  return `${CODE.test(name) ? name : "Error"}${shown}`;
}
