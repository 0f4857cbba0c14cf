/** The numbers of ../shared/docs/security-rules.md, "One-time codes". Change them only with a reason. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const OTP_RULES = {
  codeTtlMs: 10 * MINUTE,
  maxAttemptsPerCode: 5,
  sendsPerIdentifier: { limit: 5, windowMs: 10 * MINUTE },
  failuresBeforeBlock: { limit: 20, windowMs: 24 * HOUR },
  blockMs: 24 * HOUR,
  sendsPerIpPerHour: { limit: 10, windowMs: HOUR },
  sendsPerIpPerDay: { limit: 30, windowMs: 24 * HOUR },
  /** How long rate events are kept: the longest window plus the block that may follow it. */
  keepEventsMs: 48 * HOUR,
} as const;
