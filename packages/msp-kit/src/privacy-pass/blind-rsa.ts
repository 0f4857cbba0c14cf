import { concatBytes } from "../verifier/bytes.ts";
import { bigIntToBytes, bytesToBigInt, gcd, modInverse, modPow, randomBelow } from "./bigint.ts";
import type { RsaPublicKey } from "./spki.ts";

/**
 * The client's half of RSABSSA-SHA384-PSS-Deterministic (RFC 9474 sections 4.1, 4.2, 4.4): PrepareIdentity, Blind
 * and Finalize, on BigInt and WebCrypto. The issuer's BlindSign is the DP's (node:crypto's raw RSA); the final
 * signature is an ordinary RSASSA-PSS signature that WebCrypto verifies, as Finalize requires.
 */
const HASH = "SHA-384";
const HASH_LENGTH = 48;
export const SALT_LENGTH = 48;

async function sha384(data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await globalThis.crypto.subtle.digest(HASH, data as Uint8Array<ArrayBuffer>));
}

/** MGF1 with SHA-384 (RFC 8017 appendix B.2.1). */
async function mgf1(seed: Uint8Array, length: number): Promise<Uint8Array> {
  const blocks: Uint8Array[] = [];
  for (let counter = 0; blocks.length * HASH_LENGTH < length; counter += 1) {
    blocks.push(await sha384(concatBytes(seed, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff))));
  }
  return concatBytes(...blocks).subarray(0, length);
}

/** EMSA-PSS-ENCODE (RFC 8017 section 9.1.1) with SHA-384, MGF1-SHA-384 and the given salt. */
export async function emsaPssEncode(message: Uint8Array, emBits: number, salt: Uint8Array): Promise<Uint8Array> {
  const emLength = Math.ceil(emBits / 8);
  if (emLength < HASH_LENGTH + salt.length + 2) throw new RangeError("the modulus is too short for this hash and salt");
  const mHash = await sha384(message);
  const h = await sha384(concatBytes(new Uint8Array(8), mHash, salt));
  const db = concatBytes(new Uint8Array(emLength - salt.length - HASH_LENGTH - 2), Uint8Array.of(1), salt);
  const mask = await mgf1(h, emLength - HASH_LENGTH - 1);
  const maskedDb = db.map((byte, index) => byte ^ mask[index]!);
  maskedDb[0] = maskedDb[0]! & (0xff >> (8 * emLength - emBits));
  return concatBytes(maskedDb, h, Uint8Array.of(0xbc));
}

export type BlindingSeams = { salt?: Uint8Array; blind?: bigint };

/** Blind (section 4.2): the blinded message for the issuer, and the inverse that Finalize needs to unblind. */
export async function blind(key: RsaPublicKey, message: Uint8Array, seams: BlindingSeams = {}): Promise<{ blindedMessage: Uint8Array; inverse: bigint }> {
  const salt = seams.salt ?? globalThis.crypto.getRandomValues(new Uint8Array(SALT_LENGTH));
  const encoded = await emsaPssEncode(message, key.n.toString(2).length - 1, salt);
  const m = bytesToBigInt(encoded);
  if (gcd(m, key.n) !== 1n) throw new RangeError("the encoded message is not invertible modulo n");
  const r = seams.blind ?? randomBelow(key.n, key.modulusLength);
  const inverse = modInverse(r, key.n);
  const z = (m * modPow(r, key.e, key.n)) % key.n;
  return { blindedMessage: bigIntToBytes(z, key.modulusLength), inverse };
}

/** Finalize (section 4.4): unblinds the issuer's answer and checks that it is a valid signature of `message`. */
export async function finalize(key: RsaPublicKey, message: Uint8Array, blindSignature: Uint8Array, inverse: bigint): Promise<Uint8Array> {
  if (blindSignature.length !== key.modulusLength) throw new BlindRsaError("the blind signature is not as long as the modulus");
  const z = bytesToBigInt(blindSignature);
  if (z >= key.n) throw new BlindRsaError("the blind signature is not below the modulus");
  const signature = bigIntToBytes((z * inverse) % key.n, key.modulusLength);
  if (!(await verifyPss(key, message, signature))) throw new BlindRsaError("the issuer's answer does not unblind to a valid signature under its published key");
  return signature;
}

/** RSASSA-PSS-VERIFY with SHA-384 and a 48-byte salt, through WebCrypto. */
export async function verifyPss(key: RsaPublicKey, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const jwk = { kty: "RSA", n: base64urlOfBigInt(key.n), e: base64urlOfBigInt(key.e), alg: "PS384", ext: true };
  const imported = await globalThis.crypto.subtle.importKey("jwk", jwk, { name: "RSA-PSS", hash: HASH }, false, ["verify"]);
  return globalThis.crypto.subtle.verify({ name: "RSA-PSS", saltLength: SALT_LENGTH }, imported, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
}

function base64urlOfBigInt(value: bigint): string {
  const hex = value.toString(16);
  const bytes = bigIntToBytes(value, Math.ceil(hex.length / 2));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/gu, "-").replace(/\//gu, "_").replace(/=+$/u, "");
}

export class BlindRsaError extends Error {
  override readonly name = "BlindRsaError";
}
