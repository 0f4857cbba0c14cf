import { createHash } from "node:crypto";
import type { Database } from "@/db/client";
import { spentOnce } from "@/db/schema";
import { findDp, type Directory, type DirectoryDp } from "@mimi-discovery/msp-kit";
import { contentDigestMatches } from "./http-signatures/content-digest";
import { verifyMessage } from "./http-signatures/verify-message";
import {
  CLOCK_SKEW_SECONDS,
  DP_HEADER,
  FEDERATION_COMPONENTS,
  FEDERATION_PARAMETERS,
  FEDERATION_SIGNATURE_LABEL,
  FEDERATION_SIGNATURE_TAG,
  HOPS_HEADER,
  SIGNATURE_LIFETIME_SECONDS,
} from "./federation-profile";
import { peerKeys } from "./peer-keys";

export type PeerRequest = { ok: true; peer: DirectoryDp; hops: number } | { ok: false; detail: string };

/**
 * Authenticates a DP-to-DP request: the asking DP (mimi-dp) is a DP of the directory, the RFC 9421 signature
 * covers what the profile requires and verifies under that DP's published key, it is fresh (created within the
 * last minute, not expired), the body is the one signed (Content-Digest), and its nonce was never seen (kept in
 * PostgreSQL until the signature would have expired anyway). The nonce is recorded only once all else holds, so a
 * refused request changes nothing.
 */
export async function verifyPeerRequest(options: { db: Database; directory: Directory; method: string; url: string; headers: Headers; body: Uint8Array; now: Date }): Promise<PeerRequest> {
  const { headers, now } = options;
  const asker = headers.get(DP_HEADER);
  if (!asker) return { ok: false, detail: `Sign the request (RFC 9421) and name your DP in the ${DP_HEADER} header.` };
  const peer = findDp(options.directory, asker);
  if (!peer) return { ok: false, detail: `${asker} is not a DP of this DP's directory.` };
  const hops = Number(headers.get(HOPS_HEADER));
  if (!Number.isInteger(hops) || hops < 1) return { ok: false, detail: `The ${HOPS_HEADER} header must be a positive integer.` };

  const fields: Record<string, string> = {};
  headers.forEach((value, name) => (fields[name] = value));
  const verified = await verifyMessage({
    message: { method: options.method, url: options.url, headers: fields },
    label: FEDERATION_SIGNATURE_LABEL,
    requiredComponents: FEDERATION_COMPONENTS,
    requiredParameters: [...FEDERATION_PARAMETERS],
    resolveKey: (keyid) => peerKeys(peer, keyid, now),
  });
  if (!verified.ok) return { ok: false, detail: verified.detail };
  const { created, expires, nonce, tag } = verified.parameters;
  const seconds = Math.floor(now.getTime() / 1000);
  if (tag !== FEDERATION_SIGNATURE_TAG) return { ok: false, detail: `The signature's tag must be "${FEDERATION_SIGNATURE_TAG}".` };
  if (created! > seconds + CLOCK_SKEW_SECONDS) return { ok: false, detail: "The signature was created in the future." };
  if (seconds - created! > SIGNATURE_LIFETIME_SECONDS || expires! <= seconds || expires! - created! > SIGNATURE_LIFETIME_SECONDS) {
    return { ok: false, detail: `The signature has expired (signatures are good for ${SIGNATURE_LIFETIME_SECONDS} seconds).` };
  }
  if (!contentDigestMatches(headers.get("content-digest") ?? undefined, options.body)) return { ok: false, detail: "The body does not match its Content-Digest." };

  // Named by a digest of the peer and nonce: the row says only that some signature was used.
  const id = createHash("sha256").update(`${peer.issuer} ${nonce!}`).digest("base64url");
  const recorded = await options.db
    .insert(spentOnce)
    .values({ scope: "rfc9421", id, expiresAt: new Date((created! + SIGNATURE_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) * 1000) })
    .onConflictDoNothing()
    .returning({ id: spentOnce.id });
  if (recorded.length === 0) return { ok: false, detail: "This signed request was already received (its nonce was seen)." };
  return { ok: true, peer, hops };
}
