import { lt } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signInStepUps, type StepUpReason } from "@/db/schema";
import { randomToken } from "@/lib/crypto/secrets";
import { OTP_RULES } from "@/lib/otp/rules";
import { hashStepUpToken } from "./take-step-up";

/** A step-up is the rest of a sign-in attempt, so it lives as long as the code that started it. */
export const STEP_UP_TTL_MS = OTP_RULES.codeTtlMs;

export type NewStepUp = { token: string; expiresAt: Date };

/**
 * Parks a code sign-in that may not open its account alone, inside the caller's transaction (the one that used the
 * code). The browser gets a 256-bit token; the table keeps only its hash, so a read of it opens nothing.
 */
export async function startStepUp(
  tx: Database,
  options: { userId: string; identifier: string; lineType: string | null; reason: StepUpReason; now: Date },
): Promise<NewStepUp> {
  const { now } = options;
  // Expired step-ups are garbage: drop them while we are here, so the table stays small without a job.
  await tx.delete(signInStepUps).where(lt(signInStepUps.expiresAt, now));
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + STEP_UP_TTL_MS);
  await tx.insert(signInStepUps).values({
    tokenHash: hashStepUpToken(token),
    identifier: options.identifier,
    lineType: options.lineType,
    userId: options.userId,
    reason: options.reason,
    createdAt: now,
    expiresAt,
  });
  return { token, expiresAt };
}
