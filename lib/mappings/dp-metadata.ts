import type { DpMetadata } from "@mimi-discovery/msp-kit";

/** The DP's metadata document (protocol section 3), derived from its public origin. */
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
  };
}
