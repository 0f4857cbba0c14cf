import { sha256 } from "@noble/hashes/sha2.js";
import { OprfError } from "./voprf.ts";

/**
 * The private-lookup record of one CSI (protocol section 7, README "Private lookups"), derived from its OPRF output
 * y (64 bytes):
 *   bucket32 = the first 32 bits of SHA-256("mimi-bucket" || y), big-endian; the bucket at `bucket_bits` b is
 *              bucket32 >>> (32 - b), so the DP can change b without rewriting a record;
 *   tag      = the first 16 bytes of SHA-256("mimi-tag" || y);
 *   key      = HKDF-SHA256(IKM = y, salt = empty, info = "mimi-record", 32 bytes), an AES-256-GCM key;
 *   record   = nonce (12 bytes) || AES-256-GCM(key, nonce, plaintext, additional data = tag);
 *   plaintext = the section 4 lookup result as UTF-8 JSON, followed by spaces up to a multiple of RECORD_BLOCK_BYTES,
 *              so that a record's size says only how many blocks its mappings fill.
 * AES-GCM and HKDF come from WebCrypto, present in browsers and in Node.
 */
export const RECORD_BLOCK_BYTES = 2048;
export const TAG_BYTES = 16;
export const NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;
/** A record of one block: what a dummy record (padding) is the size of. */
export const ONE_BLOCK_RECORD_BYTES = NONCE_BYTES + RECORD_BLOCK_BYTES + GCM_TAG_BYTES;
export const MAX_BUCKET_BITS = 32;

const encoder = new TextEncoder();
const BUCKET_LABEL = encoder.encode("mimi-bucket");
const TAG_LABEL = encoder.encode("mimi-tag");
const RECORD_INFO = encoder.encode("mimi-record");

function labelled(label: Uint8Array, y: Uint8Array): Uint8Array {
  const message = new Uint8Array(label.length + y.length);
  message.set(label);
  message.set(y, label.length);
  return sha256(message);
}

export function bucket32Of(y: Uint8Array): number {
  const digest = labelled(BUCKET_LABEL, y);
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}

/** The bucket id at `bits` (0 to 32) of a full 32-bit bucket prefix. */
export function bucketAt(bucket32: number, bits: number): number {
  if (!Number.isInteger(bits) || bits < 0 || bits > MAX_BUCKET_BITS) throw new OprfError(`bucket_bits must be 0 to ${MAX_BUCKET_BITS}`);
  return bits === 0 ? 0 : Math.floor(bucket32 / 2 ** (32 - bits));
}

export function tagOf(y: Uint8Array): Uint8Array {
  return labelled(TAG_LABEL, y).slice(0, TAG_BYTES);
}

async function recordKey(y: Uint8Array): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", y as Uint8Array<ArrayBuffer>, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey({ name: "HKDF", hash: "SHA-256", salt: new Uint8Array(), info: RECORD_INFO }, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** Pads the JSON text with spaces (which JSON ignores) up to the next whole block. */
export function padRecordPlaintext(json: string): Uint8Array {
  const text = encoder.encode(json);
  const size = Math.max(1, Math.ceil(text.length / RECORD_BLOCK_BYTES)) * RECORD_BLOCK_BYTES;
  const padded = new Uint8Array(size).fill(0x20);
  padded.set(text);
  return padded;
}

export async function sealRecord(y: Uint8Array, json: string, nonce: Uint8Array = crypto.getRandomValues(new Uint8Array(NONCE_BYTES))): Promise<Uint8Array> {
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce as Uint8Array<ArrayBuffer>, additionalData: tagOf(y) as Uint8Array<ArrayBuffer> }, await recordKey(y), padRecordPlaintext(json) as Uint8Array<ArrayBuffer>),
  );
  const record = new Uint8Array(NONCE_BYTES + sealed.length);
  record.set(nonce);
  record.set(sealed, NONCE_BYTES);
  return record;
}

/** Opens a record found under this y's tag; a record that does not open throws, and is never trusted. */
export async function openRecord(y: Uint8Array, record: Uint8Array): Promise<unknown> {
  if (record.length < NONCE_BYTES + GCM_TAG_BYTES) throw new OprfError("the record is shorter than a nonce and an authentication tag");
  let plaintext: ArrayBuffer;
  try {
    plaintext = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: record.slice(0, NONCE_BYTES), additionalData: tagOf(y) as Uint8Array<ArrayBuffer> },
      await recordKey(y),
      record.slice(NONCE_BYTES),
    );
  } catch {
    throw new OprfError("the record under this identifier's tag does not decrypt with its OPRF output: it was altered, or is not this identifier's");
  }
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(plaintext));
  } catch {
    throw new OprfError("the record decrypts but is not a JSON lookup result");
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let index = 0; index < a.length; index++) difference |= a[index]! ^ b[index]!;
  return difference === 0;
}
