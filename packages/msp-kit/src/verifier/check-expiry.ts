import { stringField } from "./read-proof.ts";
import type { CheckResult } from "./types.ts";

/** Protocol 2.1 check 5. Read from the document alone, so that an expired mapping is reported even if malformed. */
export function checkExpiry(options: { document: unknown; now: Date }): CheckResult {
  const expires = stringField(options.document, "expires");
  // Stryker disable next-line ConditionalExpression: equivalent, Date.parse(undefined) is NaN too; the branch is for the type checker.
  const time = expires === undefined ? Number.NaN : Date.parse(expires);
  if (Number.isNaN(time)) return { id: "expiry", ok: false, detail: "The document has no readable expiry time." };
  if (time <= options.now.getTime()) {
    return { id: "expiry", ok: false, detail: `The document expired at ${expires}, before the verification time ${options.now.toISOString()}.` };
  }
  return { id: "expiry", ok: true, detail: `The document is valid until ${expires}.` };
}
