import { describe, expect, it } from "vitest";
import { keyedHash } from "@/lib/crypto/secrets";
import { testKeys } from "@/test/support/otp-harness";
import { otpBuckets } from "./buckets";

const key = testKeys.buckets;
const uri = "tel:+33612345678";
const ip = "198.51.100.7";

describe("OTP rate-limit bucket names", () => {
  // The names are stored in rate_events: a change of format would silently forget every live limit at deploy.
  it("are stable: a kind prefix and a keyed hash under the identifier or address domain", () => {
    expect(otpBuckets.identifierSends(key, uri)).toBe(`otp-send-id:${keyedHash(key, "id", uri)}`);
    expect(otpBuckets.identifierFailures(key, uri)).toBe(`otp-fail-id:${keyedHash(key, "id", uri)}`);
    expect(otpBuckets.identifierBlocks(key, uri)).toBe(`otp-block-id:${keyedHash(key, "id", uri)}`);
    expect(otpBuckets.ipSends(key, ip)).toBe(`otp-send-ip:${keyedHash(key, "ip", ip)}`);
  });

  it("keep sends, failures and blocks apart, and never hold the identifier or address in clear", () => {
    const names = [otpBuckets.identifierSends(key, uri), otpBuckets.identifierFailures(key, uri), otpBuckets.identifierBlocks(key, uri), otpBuckets.ipSends(key, uri)];
    expect(new Set(names).size).toBe(4);
    for (const name of [...names, otpBuckets.ipSends(key, ip)]) {
      expect(name).not.toContain("33612345678");
      expect(name).not.toContain(ip);
    }
  });

  it("depend on the key, so that nobody without it can tell whose bucket a row is", () => {
    const other = Buffer.alloc(32, 7);
    expect(otpBuckets.identifierSends(other, uri)).not.toBe(otpBuckets.identifierSends(key, uri));
    expect(otpBuckets.ipSends(other, ip)).not.toBe(otpBuckets.ipSends(key, ip));
  });
});
