import { Aes128Gcm, Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from "@hpke/core";

/** HPKE identifiers (RFC 9180 section 7) of what this implementation speaks. */
export const KEM_X25519_HKDF_SHA256 = 0x0020;
export const KDF_HKDF_SHA256 = 0x0001;
export const AEAD_AES_128_GCM = 0x0001;
export const AEAD_AES_256_GCM = 0x0002;

/** Public key and encapsulated key lengths per KEM: a key configuration does not carry them. */
export const KEM_KEY_LENGTH: Record<number, number> = { [KEM_X25519_HKDF_SHA256]: 32 };

export type SymmetricAlgorithm = { kdfId: number; aeadId: number };

export function isSupported(kemId: number, { kdfId, aeadId }: SymmetricAlgorithm): boolean {
  return kemId === KEM_X25519_HKDF_SHA256 && kdfId === KDF_HKDF_SHA256 && (aeadId === AEAD_AES_128_GCM || aeadId === AEAD_AES_256_GCM);
}

const suites = new Map<string, CipherSuite>();

/** The HPKE suite for a supported combination; one instance each, since building one imports nothing per call. */
export function cipherSuite(kemId: number, algorithm: SymmetricAlgorithm): CipherSuite {
  const name = `${kemId}/${algorithm.kdfId}/${algorithm.aeadId}`;
  let suite = suites.get(name);
  if (!suite) {
    if (!isSupported(kemId, algorithm)) throw new RangeError(`unsupported HPKE suite ${name}`);
    suite = new CipherSuite({
      kem: new DhkemX25519HkdfSha256(),
      kdf: new HkdfSha256(),
      aead: algorithm.aeadId === AEAD_AES_128_GCM ? new Aes128Gcm() : new Aes256Gcm(),
    });
    suites.set(name, suite);
  }
  return suite;
}
