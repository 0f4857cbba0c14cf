import type { IdentifierLockReason } from "@/db/schema";

/** The reasons a CSIP may give, as its admins choose them in the console. */
export const LOCK_REASON_LABELS: Record<IdentifierLockReason, string> = {
  subscriber_protection: "Subscriber asked for protection",
  suspected_fraud: "Suspected fraud (SIM swap)",
  ownership_dispute: "Ownership in dispute",
};

/** The same reasons as the person refused by a lock reads them, after "…locked it against a change of holder because". */
export const LOCK_REASON_REFUSALS: Record<IdentifierLockReason, string> = {
  subscriber_protection: "its subscriber asked for protection against takeovers",
  suspected_fraud: "it is being checked for fraud, such as a SIM swap",
  ownership_dispute: "who holds it is in dispute",
};
