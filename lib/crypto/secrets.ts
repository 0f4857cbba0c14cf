import { createHash, createHmac, hkdfSync, randomBytes, randomInt } from "node:crypto";

/** A sub-key for one purpose, so the one configured secret never keys two different things. */
export function deriveKey(secret: string, purpose: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "mimi-discovery", purpose, 32));
}

/** HMAC-SHA256 over the parts, separated so that ("ab","c") and ("a","bc") differ. */
export function keyedHash(key: Buffer, ...parts: string[]): string {
  const hmac = createHmac("sha256", key);
  for (const part of parts) hmac.update(`${part.length}:${part};`);
  return hmac.digest("base64url");
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** Six digits from the CSPRNG, uniformly (randomInt rejects modulo bias). */
export function randomCode(): string {
  return randomInt(0, 1_000_000).toString().padStart(6, "0");
}

/** An opaque bearer token: 256 random bits. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}
