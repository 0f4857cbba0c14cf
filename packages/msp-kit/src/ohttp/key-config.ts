import { OhttpError } from "./ohttp-error.ts";
import { isSupported, KEM_KEY_LENGTH, type SymmetricAlgorithm } from "./suites.ts";

/** An Oblivious HTTP key configuration (RFC 9458 section 3). */
export type KeyConfig = {
  keyId: number;
  kemId: number;
  publicKey: Uint8Array;
  algorithms: SymmetricAlgorithm[];
};

export const OHTTP_KEYS_MEDIA_TYPE = "application/ohttp-keys";

export function encodeKeyConfig(config: KeyConfig): Uint8Array {
  if (!Number.isInteger(config.keyId) || config.keyId < 0 || config.keyId > 255) throw new RangeError("a key id is one byte");
  if (config.algorithms.length === 0) throw new RangeError("a key configuration lists at least one symmetric algorithm");
  const out = new Uint8Array(3 + config.publicKey.length + 2 + 4 * config.algorithms.length);
  const view = new DataView(out.buffer);
  out[0] = config.keyId;
  view.setUint16(1, config.kemId);
  out.set(config.publicKey, 3);
  let offset = 3 + config.publicKey.length;
  view.setUint16(offset, 4 * config.algorithms.length);
  offset += 2;
  for (const { kdfId, aeadId } of config.algorithms) {
    view.setUint16(offset, kdfId);
    view.setUint16(offset + 2, aeadId);
    offset += 4;
  }
  return out;
}

/** One key configuration, exactly: nothing may follow it. */
export function decodeKeyConfig(bytes: Uint8Array): KeyConfig {
  if (bytes.length < 3) throw new OhttpError("malformed", "a key configuration is shorter than its header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const kemId = view.getUint16(1);
  const keyLength = KEM_KEY_LENGTH[kemId];
  if (keyLength === undefined) throw new OhttpError("unsupported_suite", `the KEM 0x${kemId.toString(16).padStart(4, "0")} is not supported`);
  const algorithmsAt = 3 + keyLength;
  if (bytes.length < algorithmsAt + 2) throw new OhttpError("malformed", "a key configuration ends inside its public key");
  const algorithmsLength = view.getUint16(algorithmsAt);
  if (algorithmsLength < 4 || algorithmsLength % 4 !== 0) throw new OhttpError("malformed", "a key configuration's algorithm list is not a whole number of (KDF, AEAD) pairs");
  if (bytes.length !== algorithmsAt + 2 + algorithmsLength) throw new OhttpError("malformed", "a key configuration's length does not match its algorithm list");
  const algorithms: SymmetricAlgorithm[] = [];
  for (let offset = algorithmsAt + 2; offset < bytes.length; offset += 4) {
    algorithms.push({ kdfId: view.getUint16(offset), aeadId: view.getUint16(offset + 2) });
  }
  return { keyId: bytes[0]!, kemId, publicKey: bytes.slice(3, algorithmsAt), algorithms };
}

/** `application/ohttp-keys` (RFC 9458 section 3.2): each configuration prefixed with its two-byte length. */
export function encodeKeyConfigs(configs: KeyConfig[]): Uint8Array {
  const encoded = configs.map(encodeKeyConfig);
  const out = new Uint8Array(encoded.reduce((total, config) => total + 2 + config.length, 0));
  let offset = 0;
  for (const config of encoded) {
    new DataView(out.buffer).setUint16(offset, config.length);
    out.set(config, offset + 2);
    offset += 2 + config.length;
  }
  return out;
}

/**
 * The configurations of an `application/ohttp-keys` document that this client can use, in the gateway's order of
 * preference. One with an unknown KEM is skipped (its length says where the next one starts); a document that
 * cannot be walked is an error.
 */
export function decodeKeyConfigs(bytes: Uint8Array): KeyConfig[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const configs: KeyConfig[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (offset + 2 > bytes.length) throw new OhttpError("malformed", "the key configuration list ends inside a length");
    const length = view.getUint16(offset);
    const end = offset + 2 + length;
    if (end > bytes.length) throw new OhttpError("malformed", "the key configuration list ends inside a configuration");
    try {
      const config = decodeKeyConfig(bytes.subarray(offset + 2, end));
      const usable = config.algorithms.filter((algorithm) => isSupported(config.kemId, algorithm));
      if (usable.length > 0) configs.push({ ...config, algorithms: usable });
    } catch (error) {
      if (!(error instanceof OhttpError && error.code === "unsupported_suite")) throw error;
    }
    offset = end;
  }
  return configs;
}
