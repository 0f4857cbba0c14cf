import {
  BUCKET_PAD_BLOCKS,
  encodePaddedBase64url,
  MAX_BUCKETS_PER_REQUEST,
  MAX_EVALUATE_BATCH,
  OPRF_SUITE,
  RECORD_BLOCK_BYTES,
  TARGET_BUCKET_LOAD,
  type DpMetadata,
} from "@mimi-discovery/msp-kit";
import type { OprfKeyEntry } from "@/lib/private/published-oprf-keys";
import { dpTokenChallengeBytes } from "@/lib/private/token-challenge";

/**
 * The DP's metadata document (protocol sections 3 and 7), derived from its public origin, its TokenChallenge and its
 * OPRF keys (lib/private/published-oprf-keys.ts).
 */
export function dpMetadata(origin: string, maxBatch: number, oprfKeys: OprfKeyEntry[]): DpMetadata {
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
      oprf: {
        suite: OPRF_SUITE,
        mode: "voprf",
        evaluate_endpoint: `${origin}/api/v1/private/evaluate`,
        buckets_endpoint: `${origin}/api/v1/private/buckets`,
        max_evaluate_batch: MAX_EVALUATE_BATCH,
        max_buckets_per_request: MAX_BUCKETS_PER_REQUEST,
        record_block_bytes: RECORD_BLOCK_BYTES,
        bucket_pad_blocks: BUCKET_PAD_BLOCKS,
        target_bucket_load: TARGET_BUCKET_LOAD,
        keys: oprfKeys,
      },
    },
  };
}
