import { sign, verify, type KeyObject } from "node:crypto";

/** The algorithms of RFC 9421 section 3.3 that DPs use: their own ES256 keys, and Ed25519. */
export type SignatureAlgorithm = "ecdsa-p256-sha256" | "ed25519";

export const SIGNATURE_ALGORITHMS: readonly SignatureAlgorithm[] = ["ecdsa-p256-sha256", "ed25519"];

/** Section 3.3.4: ECDSA P-256 over SHA-256, the signature as r || s (64 bytes), not DER. Section 3.3.6: Ed25519. */
export function signBase(algorithm: SignatureAlgorithm, key: KeyObject, base: string): Buffer {
  const data = Buffer.from(base, "utf8");
  return algorithm === "ed25519" ? sign(null, data, key) : sign("sha256", data, { key, dsaEncoding: "ieee-p1363" });
}

export function verifyBase(algorithm: SignatureAlgorithm, key: KeyObject, base: string, signature: Uint8Array): boolean {
  const data = Buffer.from(base, "utf8");
  if (signature.length !== 64) return false;
  try {
    return algorithm === "ed25519" ? verify(null, data, key, signature) : verify("sha256", data, { key, dsaEncoding: "ieee-p1363" }, signature);
  } catch {
    return false;
  }
}

/** Which algorithm a public key can verify, so that a key is never used with an algorithm it was not made for. */
export function algorithmOfKey(key: KeyObject): SignatureAlgorithm | undefined {
  if (key.asymmetricKeyType === "ed25519") return "ed25519";
  if (key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve === "prime256v1") return "ecdsa-p256-sha256";
  return undefined;
}
