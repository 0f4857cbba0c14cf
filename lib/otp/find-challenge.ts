import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { otpChallenges, type OtpChannel, type OtpPurpose } from "@/db/schema";
import { parseIdentifier, maskIdentifier } from "@mimi-discovery/msp-kit";
import { OTP_RULES } from "./rules";

export type ChallengeSummary = {
  id: string;
  identifier: string;
  maskedIdentifier: string;
  channel: OtpChannel;
  expiresAt: Date;
  open: boolean;
};

/** What the code form shows about a challenge: where the code went (masked), and whether it can still be used. */
export async function findChallenge(
  db: Database,
  options: { challengeId: string; purpose: OtpPurpose; userId?: string | undefined; now: Date },
): Promise<ChallengeSummary | null> {
  if (!/^[0-9a-f-]{36}$/u.test(options.challengeId)) return null;
  const userId = options.purpose === "sign_in" ? null : (options.userId ?? null);
  const [row] = await db
    .select()
    .from(otpChallenges)
    .where(
      and(
        eq(otpChallenges.id, options.challengeId),
        eq(otpChallenges.purpose, options.purpose),
        userId ? eq(otpChallenges.userId, userId) : isNull(otpChallenges.userId),
      ),
    );
  if (!row) return null;
  return {
    id: row.id,
    identifier: row.identifier,
    maskedIdentifier: maskIdentifier(parseIdentifier(row.identifier)),
    channel: row.channel,
    expiresAt: row.expiresAt,
    open:
      !row.consumedAt && !row.closedAt && row.expiresAt > options.now && row.attempts < OTP_RULES.maxAttemptsPerCode,
  };
}
