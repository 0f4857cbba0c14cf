import "server-only";
import { cookies } from "next/headers";
import { getDb } from "@/db/index";
import type { OtpPurpose } from "@/db/schema";
import { getEnv } from "@/env";
import { challengeCookieName, cookieAttributes } from "@/lib/auth/session-cookie";
import { now } from "@/lib/clock";
import type { Csi } from "@mimi-discovery/msp-kit";
import { findChallenge, type ChallengeSummary } from "@/lib/otp/find-challenge";
import { OtpError } from "@/lib/otp/otp-error";
import { requestCode } from "@/lib/otp/request-code";
import { logFailure } from "@/lib/log/log-failure";
import { OTP_RULES } from "@/lib/otp/rules";
import type { FormState } from "./form-state";
import { getAppKeys, getClientIp, getDeliverer } from "./services";

/**
 * Sends a code and remembers the challenge in an HttpOnly cookie: the code is bound to this browser's attempt,
 * not only to the identifier. Returns a FormState for the identifier field when the request is refused.
 */
export async function startCodeChallenge(options: {
  csi: Csi;
  purpose: OtpPurpose;
  userId?: string | undefined;
  field: string;
}): Promise<FormState | null> {
  const env = getEnv();
  try {
    const { challengeId } = await requestCode({
      db: getDb(),
      keys: getAppKeys(),
      csi: options.csi,
      purpose: options.purpose,
      userId: options.userId,
      clientIp: await getClientIp(),
      phoneRegions: env.phoneRegions,
      now: now(),
      deliver: getDeliverer(),
    });
    (await cookies()).set(challengeCookieName(env.publicOrigin, options.purpose), challengeId, {
      ...cookieAttributes(env.publicOrigin),
      maxAge: OTP_RULES.codeTtlMs / 1000,
    });
    return null;
  } catch (error) {
    if (!(error instanceof OtpError)) throw error;
    if (error.code === "delivery_failed") logFailure("code delivery", error.cause);
    return error.code === "region_not_served" || error.code === "unsupported_line_type"
      ? { errors: { [options.field]: error.message }, values: { [options.field]: options.csi.uri } }
      : { tone: "error", message: error.message };
  }
}

export async function readChallengeId(purpose: OtpPurpose): Promise<string | undefined> {
  return (await cookies()).get(challengeCookieName(getEnv().publicOrigin, purpose))?.value;
}

export async function clearChallenge(purpose: OtpPurpose): Promise<void> {
  (await cookies()).delete({ name: challengeCookieName(getEnv().publicOrigin, purpose), path: "/" });
}

/** The challenge this browser is in the middle of, for this purpose and account, if any. */
export async function currentChallenge(purpose: OtpPurpose, userId?: string): Promise<ChallengeSummary | null> {
  const challengeId = await readChallengeId(purpose);
  if (!challengeId) return null;
  return findChallenge(getDb(), { challengeId, purpose, userId, now: now() });
}
