import { base64url } from "jose";

/**
 * Base64url without padding (RFC 4648 section 5), the spelling WebAuthn and JOSE use, through jose, which runs in
 * browsers and Node alike. jose's decoder forgives padding and other spellings of the same bytes; we do not: a
 * document field such as a salt must have one wire value per byte string, or two verifiers could disagree about
 * it. So a text decodes only when it is exactly what encoding its bytes gives back.
 */
export function encodeBase64url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  if (!/^[A-Za-z0-9_-]*$/u.test(text)) throw new Error("not base64url: a character is outside the alphabet");
  if (text.length % 4 === 1) throw new Error("not base64url: the length is impossible");
  const bytes = base64url.decode(text);
  if (base64url.encode(bytes) !== text) throw new Error("not base64url: the last character is not canonical");
  return new Uint8Array(bytes);
}

/** Whether `text` is the canonical spelling of exactly `byteLength` bytes: salts and selectors have fixed sizes. */
export function isBase64urlOfLength(text: string, byteLength: number): boolean {
  try {
    return decodeBase64url(text).length === byteLength;
  } catch {
    return false;
  }
}
