import { encodePaddedBase64url, type DpMetadata } from "@mimi-discovery/msp-kit";
import { dpTokenChallengeBytes } from "@/lib/private/token-challenge";

/** The DP's metadata document (protocol sections 3 and 7), derived from its public origin and its TokenChallenge. */
export function dpMetadata(origin: string, maxBatch: number): DpMetadata {
  return {
    issuer: origin,
    rp_id: new URL(origin).hostname,
    jwks_uri: `${origin}/.well-known/jwks.json`,
    lookup_endpoint: `${origin}/api/v1/lookup`,
    batch_lookup_endpoint: `${origin}/api/v1/lookup/batch`,
    max_batch: maxBatch,
    csip_removal_endpoint: `${origin}/api/v1/csip/removals`,
    csi_types: ["tel", "mailto"],
    protocol_versions: [1],
    private_lookup: {
      ohttp_gateway: `${origin}/api/v1/ohttp`,
      ohttp_keys_uri: `${origin}/.well-known/ohttp-gateway`,
      lookup_endpoint: `${origin}/api/v1/private/lookup`,
      token_issuer_directory: `${origin}/.well-known/private-token-issuer-directory`,
      token_request_endpoint: `${origin}/api/v1/privacy-pass/token-request`,
      token_type: 2,
      token_challenge: encodePaddedBase64url(dpTokenChallengeBytes(origin)),
    },
  };
}
