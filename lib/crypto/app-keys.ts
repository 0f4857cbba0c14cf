import { deriveKey } from "./secrets";

/** Every key the app derives from AUTH_SECRET, by purpose. */
export type AppKeys = {
  /** Keys the hash of one-time codes at rest. */
  otp: Buffer;
  /** Keys rate-limit buckets, so that table holds no identifier or IP address in clear. */
  buckets: Buffer;
  /** Seals the DP's private signing keys at rest. */
  sealing: Buffer;
  /** Keys the identifiers that audit rows name by digest (refused removals), so the log holds none in clear. */
  audit: Buffer;
};

// Derived once per secret: request paths (lookups among them) ask for these keys on every call.
let derived: { secret: string; keys: AppKeys } | undefined;

export function deriveAppKeys(secret: string): AppKeys {
  if (derived?.secret !== secret) derived = { secret, keys: deriveAll(secret) };
  return derived.keys;
}

function deriveAll(secret: string): AppKeys {
  return {
    otp: deriveKey(secret, "otp-code-hash v1"),
    buckets: deriveKey(secret, "rate-limit-bucket v1"),
    sealing: deriveKey(secret, "signing-key-seal v1"),
    audit: deriveKey(secret, "audit-identifier v1"),
  };
}
