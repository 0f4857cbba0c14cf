import { describe, expect, it } from "vitest";
import { describeFailure } from "./consume-code";
import { OtpError } from "./otp-error";
import { describeWait } from "./request-code";
import { OTP_RULES } from "./rules";

describe("what a person is told", () => {
  it.each([
    [{ reason: "wrong_code", attemptsLeft: 4 }, "That code is not right. 4 tries left."],
    [{ reason: "wrong_code", attemptsLeft: 1 }, "That code is not right. 1 try left."],
    [{ reason: "too_many_attempts" }, "Too many wrong tries. This code no longer works: request a new one."],
    [{ reason: "expired" }, "This code has expired. Request a new one."],
    [{ reason: "used" }, "This code has already been used. Request a new one."],
    [{ reason: "closed" }, "This code was replaced by a newer one or withdrawn. Use the latest code, or request a new one."],
    [{ reason: "blocked" }, "Too many wrong codes for this identifier. Try again in 24 hours."],
    [{ reason: "unknown" }, "This sign-in attempt is no longer valid. Start again."],
  ] as const)("for %j: %s", (outcome, sentence) => {
    expect(describeFailure({ ok: false, ...outcome })).toBe(sentence);
  });

  it.each([
    [1, "1 second"],
    [2, "2 seconds"],
    [89, "89 seconds"],
    [90, "2 minutes"],
    [600, "10 minutes"],
    [5_399, "90 minutes"],
    [5_400, "2 hours"],
    [86_400, "24 hours"],
  ])("waits of %i s read as %s", (seconds, words) => {
    expect(describeWait(seconds)).toBe(words);
  });
});

describe("OtpError", () => {
  it.each([
    ["rate_limited", "rate_limited"],
    ["blocked", "rate_limited"],
    ["region_not_served", "invalid"],
    ["unsupported_line_type", "invalid"],
    ["delivery_failed", "unavailable"],
  ] as const)("answers %s as %s", (code, kind) => {
    expect(new OtpError(code, "m")).toMatchObject({ code, kind });
  });
});

describe("OTP_RULES", () => {
  // ../shared/docs/security-rules.md, "One-time codes": these numbers change only with a reason written there.
  it("are the numbers of the security rules", () => {
    expect(OTP_RULES).toEqual({
      codeTtlMs: 600_000,
      maxAttemptsPerCode: 5,
      sendsPerIdentifier: { limit: 5, windowMs: 600_000 },
      failuresBeforeBlock: { limit: 20, windowMs: 86_400_000 },
      blockMs: 86_400_000,
      sendsPerIpPerHour: { limit: 10, windowMs: 3_600_000 },
      sendsPerIpPerDay: { limit: 30, windowMs: 86_400_000 },
      keepEventsMs: 172_800_000,
    });
  });
});
