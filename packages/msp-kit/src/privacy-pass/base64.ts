/**
 * Base64url as Privacy Pass spells it (RFC 9577 section 2.1, RFC 9578 section 4): with padding. Reading also takes
 * the unpadded spelling of the same bytes, as the reference implementations do, and nothing else: one text per
 * byte string, so two parties can never disagree about which token was spent.
 */
export function encodePaddedBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/gu, "-").replace(/\//gu, "_");
}

export function decodePaddedBase64url(text: string): Uint8Array<ArrayBuffer> {
  const bare = text.replace(/=+$/u, "");
  if (!/^[A-Za-z0-9_-]*$/u.test(bare) || bare.length % 4 === 1) throw new Error("not base64url");
  const binary = atob(bare.replace(/-/gu, "+").replace(/_/gu, "/") + "=".repeat((4 - (bare.length % 4)) % 4));
  const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
  const canonical = encodePaddedBase64url(bytes);
  if (text !== canonical && text !== canonical.replace(/=+$/u, "")) throw new Error("not base64url: not the canonical spelling");
  return bytes;
}
