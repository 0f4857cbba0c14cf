import { createPrivateKey, randomBytes, type KeyObject } from "node:crypto";
import { desc, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { signingKeys } from "@/db/schema";
import { unseal } from "@/lib/crypto/seal";
import { contentDigest } from "./http-signatures/content-digest";
import { signMessage } from "./http-signatures/sign-message";
import { DP_HEADER, FEDERATION_COMPONENTS, FEDERATION_SIGNATURE_LABEL, FEDERATION_SIGNATURE_TAG, HOPS_HEADER, SIGNATURE_LIFETIME_SECONDS } from "./federation-profile";

export type DpRequestSigner = {
  issuer: string;
  /** The headers of a signed POST of `body` (JSON) to `url`, `hops` DPs deep. */
  headersFor: (url: string, body: Uint8Array, hops: number, now: Date) => Record<string, string>;
};

/**
 * Signs this DP's requests to its peers with its own published key (the ES256 key of its JWKS, the one that signs
 * bindings), so peers verify them with what the directory already points to: no second key to distribute.
 */
export async function loadDpRequestSigner(db: Database, sealingKey: Buffer, issuer: string): Promise<DpRequestSigner> {
  const [row] = await db.select().from(signingKeys).where(isNull(signingKeys.retiredAt)).orderBy(desc(signingKeys.createdAt)).limit(1);
  if (!row) throw new Error("no active signing key: the server's bootstrap creates one at start");
  const key: KeyObject = createPrivateKey({ key: JSON.parse(unseal(sealingKey, row.sealedPrivateKey)) as never, format: "jwk" });
  return {
    issuer,
    headersFor(url, body, hops, now) {
      const created = Math.floor(now.getTime() / 1000);
      const headers: Record<string, string> = {
        "content-type": "application/json",
        "content-digest": contentDigest(body),
        [DP_HEADER]: issuer,
        [HOPS_HEADER]: String(hops),
      };
      const signed = signMessage({
        message: { method: "POST", url, headers },
        components: FEDERATION_COMPONENTS,
        parameters: { created, expires: created + SIGNATURE_LIFETIME_SECONDS, nonce: randomBytes(16).toString("base64url"), alg: "ecdsa-p256-sha256", keyid: row.kid, tag: FEDERATION_SIGNATURE_TAG },
        algorithm: "ecdsa-p256-sha256",
        key,
        label: FEDERATION_SIGNATURE_LABEL,
      });
      return { ...headers, "signature-input": signed["signature-input"], signature: signed.signature };
    },
  };
}
