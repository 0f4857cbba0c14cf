import { keyedHash } from "@/lib/crypto/secrets";

/** Rate-limit bucket names: keyed hashes, so neither identifiers nor IP addresses sit in the table in clear. */
export const otpBuckets = {
  identifierSends: (key: Buffer, uri: string) => `otp-send-id:${keyedHash(key, "id", uri)}`,
  identifierFailures: (key: Buffer, uri: string) => `otp-fail-id:${keyedHash(key, "id", uri)}`,
  identifierBlocks: (key: Buffer, uri: string) => `otp-block-id:${keyedHash(key, "id", uri)}`,
  ipSends: (key: Buffer, ip: string) => `otp-send-ip:${keyedHash(key, "ip", ip)}`,
};
