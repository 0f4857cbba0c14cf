import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { otpChallenges, type OtpChallenge, type OtpPurpose } from "@/db/schema";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { countEvents, recordEvent } from "@/lib/rate-limit/sliding-window";
import { otpBuckets } from "./buckets";
import { OTP_RULES } from "./rules";
import { hashCode } from "./request-code";

export type ConsumeCodeOutcome =
  | { ok: true; challenge: OtpChallenge }
  | { ok: false; reason: "wrong_code"; attemptsLeft: number }
  | { ok: false; reason: "too_many_attempts" | "expired" | "used" | "closed" | "blocked" | "unknown" };

export type ConsumeCodeOptions = {
  /** Run inside the caller's transaction, so the code is used only if what it authorises is written too. */
  tx: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  challengeId: string;
  code: string;
  purpose: OtpPurpose;
  userId?: string | undefined;
  now: Date;
};

/**
 * Uses a code once. Success is one conditional UPDATE affecting one row, so of any number of concurrent
 * submissions of the right code exactly one succeeds. A wrong code counts against the challenge and against the
 * identifier; the caller commits that even though it reports failure.
 */
export async function consumeCode(options: ConsumeCodeOptions): Promise<ConsumeCodeOutcome> {
  const { tx, keys, challengeId, code, purpose, now } = options;
  if (!/^[0-9a-f-]{36}$/u.test(challengeId)) return { ok: false, reason: "unknown" };
  const userId = purpose === "sign_in" ? null : (options.userId ?? null);
  const stillOpen = and(
    eq(otpChallenges.id, challengeId),
    eq(otpChallenges.purpose, purpose),
    userId ? eq(otpChallenges.userId, userId) : isNull(otpChallenges.userId),
    isNull(otpChallenges.consumedAt),
    isNull(otpChallenges.closedAt),
    gt(otpChallenges.expiresAt, now),
    lt(otpChallenges.attempts, OTP_RULES.maxAttemptsPerCode),
  );

  const [consumed] = await tx
    .update(otpChallenges)
    .set({ consumedAt: now })
    .where(and(stillOpen, eq(otpChallenges.codeHash, hashCode(keys.otp, challengeId, code))))
    .returning();
  if (consumed) return { ok: true, challenge: consumed };

  const [failed] = await tx
    .update(otpChallenges)
    .set({ attempts: sql`${otpChallenges.attempts} + 1` })
    .where(stillOpen)
    .returning({ attempts: otpChallenges.attempts, identifier: otpChallenges.identifier });
  if (!failed) return { ok: false, reason: await whyClosed(tx, challengeId, purpose, userId, now) };

  const blocked = await recordFailure(tx, keys.buckets, failed.identifier, now);
  if (blocked) return { ok: false, reason: "blocked" };
  const attemptsLeft = OTP_RULES.maxAttemptsPerCode - failed.attempts;
  return attemptsLeft > 0 ? { ok: false, reason: "wrong_code", attemptsLeft } : { ok: false, reason: "too_many_attempts" };
}

/** Counts a failure for the identifier; the 20th within 24 hours blocks it and ends all its open challenges. */
async function recordFailure(tx: Database, bucketKey: Buffer, identifier: string, now: Date): Promise<boolean> {
  const failures = otpBuckets.identifierFailures(bucketKey, identifier);
  await recordEvent(tx, failures, now, OTP_RULES.keepEventsMs);
  const count = await countEvents(tx, failures, OTP_RULES.failuresBeforeBlock.windowMs, now);
  if (count < OTP_RULES.failuresBeforeBlock.limit) return false;
  await recordEvent(tx, otpBuckets.identifierBlocks(bucketKey, identifier), now, OTP_RULES.keepEventsMs);
  await tx
    .update(otpChallenges)
    .set({ closedAt: now })
    .where(and(eq(otpChallenges.identifier, identifier), isNull(otpChallenges.consumedAt), isNull(otpChallenges.closedAt)));
  return true;
}

async function whyClosed(
  tx: Database,
  challengeId: string,
  purpose: OtpPurpose,
  userId: string | null,
  now: Date,
): Promise<"too_many_attempts" | "expired" | "used" | "closed" | "unknown"> {
  const [row] = await tx.select().from(otpChallenges).where(eq(otpChallenges.id, challengeId));
  if (!row || row.purpose !== purpose || (row.userId ?? null) !== userId) return "unknown";
  if (row.consumedAt) return "used";
  if (row.closedAt) return "closed";
  if (row.attempts >= OTP_RULES.maxAttemptsPerCode) return "too_many_attempts";
  if (row.expiresAt <= now) return "expired";
  return "unknown";
}

/** What to tell the person, for each way a code can fail. */
export function describeFailure(outcome: Exclude<ConsumeCodeOutcome, { ok: true }>): string {
  switch (outcome.reason) {
    case "wrong_code":
      return `That code is not right. ${outcome.attemptsLeft} ${outcome.attemptsLeft === 1 ? "try" : "tries"} left.`;
    case "too_many_attempts":
      return "Too many wrong tries. This code no longer works: request a new one.";
    case "expired":
      return "This code has expired. Request a new one.";
    case "used":
      return "This code has already been used. Request a new one.";
    case "closed":
      return "This code was replaced by a newer one or withdrawn. Use the latest code, or request a new one.";
    case "blocked":
      return "Too many wrong codes for this identifier. Try again in 24 hours.";
    case "unknown":
      return "This sign-in attempt is no longer valid. Start again.";
  }
}
