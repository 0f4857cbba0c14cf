import { scryptAsync } from "@noble/hashes/scrypt.js";
import { decodeBase64url, encodeBase64url } from "../encoding/base64url.ts";

const SALT_BYTES = 16;
/**
 * Protocol section 2. Selectors are published, and phone numbers are few enough to try one by one: the cost makes
 * each guess slow, and the per-entry salt makes each entry a separate search. It slows that search, nothing more.
 */
const SCRYPT = { N: 16384, r: 8, p: 1, dkLen: 32 } as const;

/** A fresh salt per `senders` entry, so the same contact gets unlinkable selectors in different entries. */
export function newSalt(): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(SALT_BYTES)));
}

/**
 * The selector of one sender. The URI must already be normalised (tel:+E.164 or mailto:address): scrypt of any
 * other spelling is a different selector, and nothing here can tell which spelling was meant.
 */
export async function computeSelector(senderCsiUri: string, salt: string): Promise<string> {
  const key = await scryptAsync(new TextEncoder().encode(senderCsiUri), decodeSalt(salt), SCRYPT);
  return encodeBase64url(key);
}

/**
 * Sorted so that the published set says nothing about the order the recipient typed or imported contacts in.
 * One at a time: each run holds 16 MiB, and a phone's browser should not hold that many times over.
 */
export async function computeSelectors(
  senderCsiUris: string[],
  salt: string,
  onProgress?: (done: number, total: number) => void,
): Promise<string[]> {
  decodeSalt(salt); // fail before any work rather than after the first contact
  const distinct = [...new Set(senderCsiUris)];
  const selectors = new Set<string>();
  onProgress?.(0, distinct.length);
  for (const [index, uri] of distinct.entries()) {
    selectors.add(await computeSelector(uri, salt));
    onProgress?.(index + 1, distinct.length);
  }
  return [...selectors].sort(compareCodeUnits);
}

function decodeSalt(salt: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = decodeBase64url(salt);
  } catch {
    throw new Error("A selector salt must be base64url.");
  }
  // Any other length would still hash, but to selectors no other implementation of the protocol reproduces.
  if (bytes.length !== SALT_BYTES) throw new Error(`A selector salt must be ${SALT_BYTES} bytes.`);
  return bytes;
}

// Not localeCompare: the order must be the same on every machine, whatever its locale.
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
