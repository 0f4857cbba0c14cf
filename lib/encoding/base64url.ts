/**
 * Base64url without padding (RFC 4648 section 5), the spelling WebAuthn and JOSE use. Written here rather than
 * taken from Buffer because the verifier runs in browsers too.
 */
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const VALUES = new Map([...ALPHABET].map((char, index) => [char, index]));

export function encodeBase64url(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 3) {
    const chunk = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) text += ALPHABET[(chunk >> (18 - 6 * j)) & 63];
  }
  return text;
}

/**
 * Only the canonical spelling: no padding, no `+` or `/`, no stray bits in the last character. A document field
 * such as a salt must have one wire value per byte string, or two verifiers could disagree about it.
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (text.length % 4 === 1) throw new Error("not base64url: the length is impossible");
  const bytes = new Uint8Array(Math.floor((text.length * 6) / 8));
  let buffer = 0;
  let bits = 0;
  let index = 0;
  for (const char of text) {
    const value = VALUES.get(char);
    if (value === undefined) throw new Error("not base64url: a character is outside the alphabet");
    buffer = ((buffer << 6) | value) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[index++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) throw new Error("not base64url: the last character is not canonical");
  return bytes;
}

/** Whether `text` is the canonical spelling of exactly `byteLength` bytes: salts and selectors have fixed sizes. */
export function isBase64urlOfLength(text: string, byteLength: number): boolean {
  try {
    return decodeBase64url(text).length === byteLength;
  } catch {
    return false;
  }
}
