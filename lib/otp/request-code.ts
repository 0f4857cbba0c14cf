import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { otpChallenges, type OtpChannel, type OtpPurpose } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import type { AppKeys } from "@/lib/crypto/app-keys";
import { keyedHash, randomCode } from "@/lib/crypto/secrets";
import { getMetrics } from "@/lib/metrics/metrics";
import type { Csi } from "@mimi-discovery/msp-kit";
import { checkWindow, countEvents, lockBuckets, recordEvent } from "@/lib/rate-limit/sliding-window";
import { clientNetwork } from "./client-network";
import { otpBuckets } from "./buckets";
import { chooseChannel } from "./choose-channel";
import { OtpError } from "./otp-error";
import { OTP_RULES } from "./rules";

export type CodeMessage = {
  channel: OtpChannel;
  csi: Csi;
  code: string;
  purpose: OtpPurpose;
  /** The same for every retry of one delivery, so a gateway that retries never sends a second code. */
  idempotencyKey: string;
};

export type DeliverCode = (message: CodeMessage) => Promise<void>;

export type RequestCodeOptions = {
  db: Database;
  keys: Pick<AppKeys, "otp" | "buckets">;
  csi: Csi;
  purpose: OtpPurpose;
  /** The signed-in account, for every purpose but sign-in. */
  userId?: string | undefined;
  clientIp: string;
  phoneRegions: "*" | Set<string>;
  now: Date;
  deliver: DeliverCode;
};

export type RequestedCode = { challengeId: string; channel: OtpChannel; expiresAt: Date };

/**
 * Creates a challenge for the identifier and sends its code. The answer does not depend on whether the
 * identifier belongs to anybody: limits key on the identifier and the IP address, never on an account.
 */
export async function requestCode(options: RequestCodeOptions): Promise<RequestedCode> {
  const { db, keys, csi, purpose, now } = options;
  const channel = chooseChannel(csi, options.phoneRegions);
  const code = randomCode();
  const userId = purpose === "sign_in" ? null : (options.userId ?? null);
  if (purpose !== "sign_in" && !userId) throw new Error(`requestCode: purpose ${purpose} needs a userId`);

  const idSends = otpBuckets.identifierSends(keys.buckets, csi.uri);
  const idBlocks = otpBuckets.identifierBlocks(keys.buckets, csi.uri);
  const ipSends = otpBuckets.ipSends(keys.buckets, clientNetwork(options.clientIp));

  const challengeId = await withTransaction(db, async (tx) => {
    await lockBuckets(tx, [idSends, ipSends]);
    if ((await countEvents(tx, idBlocks, OTP_RULES.blockMs, now)) > 0) {
      throw new OtpError("blocked", "Too many wrong codes for this identifier. Try again in 24 hours.", OTP_RULES.blockMs / 1000);
    }
    for (const [bucket, window] of [
      [idSends, OTP_RULES.sendsPerIdentifier],
      [ipSends, OTP_RULES.sendsPerIpPerHour],
      [ipSends, OTP_RULES.sendsPerIpPerDay],
    ] as const) {
      const state = await checkWindow(tx, bucket, window, now);
      if (!state.allowed) {
        throw new OtpError(
          "rate_limited",
          `Too many codes requested. Try again in ${describeWait(state.retryAfterSeconds)}.`,
          state.retryAfterSeconds,
        );
      }
    }
    await recordEvent(tx, idSends, now, OTP_RULES.keepEventsMs);
    await recordEvent(tx, ipSends, now, OTP_RULES.keepEventsMs);
    // A resend invalidates the previous code of the same flow; the identifier's failure count stays.
    await tx
      .update(otpChallenges)
      .set({ closedAt: now })
      .where(
        and(
          eq(otpChallenges.identifier, csi.uri),
          eq(otpChallenges.purpose, purpose),
          userId ? eq(otpChallenges.userId, userId) : isNull(otpChallenges.userId),
          isNull(otpChallenges.consumedAt),
          isNull(otpChallenges.closedAt),
        ),
      );
    const id = crypto.randomUUID();
    await tx.insert(otpChallenges).values({
      id,
      identifier: csi.uri,
      purpose,
      userId,
      channel,
      lineType: csi.kind === "tel" ? csi.lineType : null,
      codeHash: hashCode(keys.otp, id, code),
      expiresAt: new Date(now.getTime() + OTP_RULES.codeTtlMs),
      createdAt: now,
    });
    return id;
  });

  try {
    await options.deliver({ channel, csi, code, purpose, idempotencyKey: challengeId });
    getMetrics().codeSends.inc({ channel });
  } catch (error) {
    getMetrics().deliveryFailures.inc({ channel });
    // The send still counts against the limits: a failing gateway must not become a free retry loop.
    await db
      .update(otpChallenges)
      .set({ closedAt: now })
      .where(and(eq(otpChallenges.id, challengeId), isNull(otpChallenges.closedAt)));
    throw new OtpError("delivery_failed", "The code could not be sent just now. Please try again in a moment.", undefined, { cause: error });
  }
  return { challengeId, channel, expiresAt: new Date(now.getTime() + OTP_RULES.codeTtlMs) };
}

/** The code is bound to its challenge: the same digits are worthless for any other challenge. */
export function hashCode(key: Buffer, challengeId: string, code: string): string {
  return keyedHash(key, challengeId, code);
}

/** How long to wait, in the unit a person reads best: seconds up to 90, minutes up to 90, then hours. */
export function describeWait(seconds: number): string {
  if (seconds < 90) return seconds === 1 ? "1 second" : `${seconds} seconds`;
  if (seconds < 90 * 60) return `${Math.ceil(seconds / 60)} minutes`;
  return `${Math.ceil(seconds / 3600)} hours`;
}
