/**
 * HKDF-SHA256 Extract and Expand (RFC 5869) on WebCrypto's HMAC, unlabeled, for the response keys of RFC 9458
 * section 4.4: @hpke/core's KDF only takes salts of the hash's own length, and this salt is enc || response_nonce.
 */
const HASH_LENGTH = 32;

async function hmac(key: Uint8Array, data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  const imported = await globalThis.crypto.subtle.importKey("raw", key as Uint8Array<ArrayBuffer>, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await globalThis.crypto.subtle.sign("HMAC", imported, data as Uint8Array<ArrayBuffer>));
}

export function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return hmac(salt, ikm);
}

export async function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Promise<Uint8Array<ArrayBuffer>> {
  if (length > 255 * HASH_LENGTH) throw new RangeError("HKDF-Expand output is at most 255 hash lengths");
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let block = 1, offset = 0; offset < length; block += 1) {
    const input = new Uint8Array(previous.length + info.length + 1);
    input.set(previous, 0);
    input.set(info, previous.length);
    input[input.length - 1] = block;
    previous = await hmac(prk, input);
    out.set(previous.subarray(0, length - offset), offset);
    offset += previous.length;
  }
  return out;
}
