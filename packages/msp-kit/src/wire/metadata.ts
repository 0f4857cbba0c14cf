import { z } from "zod";

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/u, "must be base64url without padding");

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
