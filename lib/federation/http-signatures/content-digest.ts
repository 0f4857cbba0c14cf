import { createHash, timingSafeEqual } from "node:crypto";
import { parseDictionary } from "structured-headers";

/** RFC 9530: `Content-Digest: sha-256=:<base64>:`, over the body's bytes as sent. */
export function contentDigest(body: Uint8Array, algorithm: "sha-256" | "sha-512" = "sha-256"): string {
  return `${algorithm}=:${createHash(algorithm.replace("-", "")).update(body).digest("base64")}:`;
}

/** True when the header carries a sha-256 or sha-512 digest and every such digest matches the body. */
export function contentDigestMatches(header: string | undefined, body: Uint8Array): boolean {
  if (!header) return false;
  let dictionary: ReturnType<typeof parseDictionary>;
  try {
    dictionary = parseDictionary(header);
  } catch {
    return false;
  }
  let checked = 0;
  for (const [name, member] of dictionary) {
    if (name !== "sha-256" && name !== "sha-512") continue;
    const value = member[0];
    if (!(value instanceof ArrayBuffer)) return false;
    const expected = createHash(name.replace("-", "")).update(body).digest();
    const given = Buffer.from(value);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    checked += 1;
  }
  return checked > 0;
}
