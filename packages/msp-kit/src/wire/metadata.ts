import { z } from "zod";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/u, "must be base64url without padding");

/** Protocol section 7: where and how a client makes private lookups. */
export const privateLookupMetadataSchema = z
  .strictObject({
    ohttp_gateway: z.url().describe("The Oblivious HTTP gateway (RFC 9458): relays POST message/ohttp-req here"),
    ohttp_keys_uri: z.url().describe("The gateway's key configurations, application/ohttp-keys"),
    lookup_endpoint: z.url().describe("The inner request's target: POST {csi} inside the encapsulated request"),
    token_issuer_directory: z.url().describe("The Privacy Pass issuer directory (RFC 9578 section 4)"),
    token_request_endpoint: z.url().describe("Where an MSP, with its API key, turns a TokenRequest into a TokenResponse"),
    token_type: z.literal(2).describe("Privacy Pass token type 0x0002, Blind RSA 2048"),
    token_challenge: z.string().describe("The TokenChallenge every token must be made for (RFC 9577), base64url with padding"),
    oprf: z
      .strictObject({
        suite: z.literal("ristretto255-SHA512").describe("RFC 9497 ciphersuite"),
        mode: z.literal("voprf").describe("VOPRF: every evaluation carries a DLEQ proof against the published key"),
        evaluate_endpoint: z.url().describe("Inner request target: POST {epoch, blinded, tokens}"),
        buckets_endpoint: z.url().describe("Inner request target: POST {epoch, bucket_bits, buckets}"),
        max_evaluate_batch: z.number().int().min(1),
        max_buckets_per_request: z.number().int().min(1),
        record_block_bytes: z.number().int().min(1).describe("Record plaintexts are padded with spaces to a multiple of this"),
        bucket_pad_blocks: z.number().int().min(1).describe("Bucket answers are padded with one-block dummy records to a multiple of this many blocks"),
        target_bucket_load: z.number().int().min(1).describe("bucket_bits = ceil(log2(records / target_bucket_load)), at least 0"),
        keys: z
          .array(
            z.strictObject({
              epoch: z.number().int().min(1),
              state: z.enum(["active", "retiring", "building"]).describe("Use the active key; a retiring one still answers; a building one does not yet"),
              public_key: z.string().describe("The key's ristretto255 element, base64url"),
              bucket_bits: z.number().int().min(0).max(32),
            }),
          )
          .describe("The active key first"),
      })
      .describe("OPRF-keyed buckets: the DP learns neither who asks nor which CSI"),
  })
  .meta({ id: "PrivateLookupMetadata", description: "Private lookups: through an OHTTP relay, paid with Privacy Pass tokens" });

/** Protocol section 3: how to use a DP, as a DP serves it. Clients read only the members they need. */
export const dpMetadataSchema = z
  .strictObject({
    issuer: z.url().describe("The DP's origin; equals `dp` in every mapping it serves and `iss` in every binding"),
    rp_id: z.string().describe("The WebAuthn relying party id that passkey assertions are made for"),
    jwks_uri: z.url(),
    lookup_endpoint: z.url(),
    batch_lookup_endpoint: z.url(),
    max_batch: z.number().int().min(1).describe("The most identifiers one batch lookup may carry"),
    csip_removal_endpoint: z.url(),
    csi_types: z.array(z.string()).describe("URI schemes of the identifiers served: tel and mailto"),
    protocol_versions: z.array(z.number().int()),
    private_lookup: privateLookupMetadataSchema,
  })
  .meta({ id: "DiscoveryMetadata", description: "How to use this DP (protocol section 3)" });

export const jwkSchema = z
  .looseObject({
    kty: z.literal("EC"),
    crv: z.literal("P-256"),
    x: base64url,
    y: base64url,
    kid: z.string().describe("The key's RFC 7638 thumbprint; bindings name it in their header"),
    alg: z.literal("ES256"),
    use: z.literal("sig"),
  })
  .meta({ id: "JsonWebKey", description: "A public signing key. Private members are never published." });

export const jwksSchema = z
  .strictObject({
    keys: z.array(jwkSchema).describe("Every key that signed a binding still in force, the active key included"),
  })
  .meta({ id: "JsonWebKeySet", description: "The DP's public keys (RFC 7517). A rotated-out key stays until the last binding it signed expires." });

export type DpMetadata = z.output<typeof dpMetadataSchema>;
export type Jwks = { keys: JsonWebKey[] };

/** RFC 9578 section 4: the Privacy Pass issuer directory, as GET /.well-known/private-token-issuer-directory serves it. */
export const issuerDirectorySchema = z
  .strictObject({
    "issuer-request-uri": z.url().describe("Where TokenRequests go: POST application/private-token-request, with an MSP API key"),
    "token-keys": z
      .array(
        z.strictObject({
          "token-type": z.literal(2).describe("Blind RSA 2048 (RFC 9578 section 8.2)"),
          "token-key": z.string().describe("base64url (with padding) of the key's SPKI, id-RSASSA-PSS with SHA-384 and a 48-byte salt; its SHA-256 is the token_key_id"),
          "not-before": z.number().int().describe("When the key began to issue, in seconds since 1970"),
        }),
      )
      .describe("The issuing key first, then keys whose tokens are still redeemed"),
  })
  .meta({ id: "IssuerDirectory", description: "The token issuer's keys and request URL" });

export type IssuerDirectory = z.output<typeof issuerDirectorySchema>;
