import { randomBytes } from "node:crypto";
import { sha256Hex } from "@/lib/crypto/secrets";

/**
 * `mimi_<owner>_<8 visible chars>.<43 secret chars>`: the prefix names the key on screens and in logs of the
 * key holder; the whole key, 256 secret bits, is stored only as its SHA-256.
 */
export type ApiKeyOwner = "msp" | "csip";

export function generateApiKey(owner: ApiKeyOwner): { key: string; prefix: string; hash: string } {
  const prefix = `mimi_${owner}_${randomBytes(6).toString("base64url")}`;
  const key = `${prefix}.${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

/** A bearer token shaped like one of our keys; anything else is refused before touching the database. */
export function looksLikeApiKey(token: string): boolean {
  return /^mimi_(msp|csip)_[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}$/u.test(token);
}
