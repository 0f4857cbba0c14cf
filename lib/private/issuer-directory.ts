import type { Database } from "@/db/client";
import { decodeBase64url, encodePaddedBase64url, type IssuerDirectory } from "@mimi-discovery/msp-kit";
import { ensureIssuerKey, listIssuerKeys } from "./issuer-keys";

/**
 * RFC 9578 section 4: the issuing key first, then keys whose epoch ended but whose tokens are still redeemed, each
 * as base64url (with padding) of its SPKI. `not-before` is when each key started to issue.
 */
export async function issuerDirectory(db: Database, sealingKey: Buffer, origin: string, now: Date): Promise<IssuerDirectory> {
  await ensureIssuerKey(db, sealingKey, now);
  const keys = await listIssuerKeys(db, now);
  return {
    "issuer-request-uri": `${origin}/api/v1/privacy-pass/token-request`,
    "token-keys": keys.map((key) => ({ "token-type": 2, "token-key": encodePaddedBase64url(decodeBase64url(key.spki)), "not-before": Math.floor(key.createdAt.getTime() / 1000) })),
  };
}
