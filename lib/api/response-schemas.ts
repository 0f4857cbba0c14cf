import { z } from "zod";
import type { DpMetadata, LookupItem } from "../mappings/types";
import { audienceSchema, mappingDocumentSchema, mappingEntrySchema } from "../verifier/index";
import { API_ERRORS, type ApiErrorCode } from "./api-error";

/**
 * What the API answers, as zod schemas: the OpenAPI document is generated from them, and its tests check every
 * example against them. The routes write these shapes by hand (a served document must stay the exact bytes the
 * recipient signed), so the type checks at the end of this file are what keep the two in step.
 */

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/u, "must be base64url without padding");
const compactJws = z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/u, "must be a compact JWS");

export const mappingProofSchema = z
  .strictObject({
    binding: compactJws.describe(
      'A JWS signed by the DP (ES256, header typ "mimi-csi-binding+jwt", kid in the JWKS) saying that the holder of a passkey proved ownership of the identifier. Payload: iss, sub (the identifier), cnf.jwk (the passkey\'s public key), amr, iat, exp.',
    ),
    assertion: z
      .strictObject({
        credential_id: base64url,
        authenticator_data: base64url,
        client_data_json: base64url,
        signature: base64url.describe("DER-encoded ES256 signature over authenticator_data || SHA-256(client_data_json)"),
      })
      .describe("A WebAuthn assertion by that passkey whose challenge is base64url(SHA-256(JCS(document)))"),
  })
  .describe("Lets anyone check the mapping offline against the DP's JWKS (protocol section 2.1)");

export const servedMappingSchema = z
  .strictObject({
    id: z.uuid().describe("The mapping's id at this DP"),
    // Not described here: a described copy would be inlined instead of referring to the MappingDocument component.
    document: mappingDocumentSchema,
    proof: mappingProofSchema,
  })
  .describe("One active, unexpired mapping of the identifier");

export const lookupResultSchema = z
  .strictObject({
    csi: z.string().describe("The identifier in its normalised URI form: tel:+E164 or mailto:address"),
    result: z
      .enum(["none", "opted_out", "found"])
      .describe('"none": no mapping exists; "opted_out": mappings exist and all list no MSP; "found": at least one mapping lists an MSP'),
    mappings: z.array(servedMappingSchema).describe("Every active mapping of the identifier, oldest (lowest seq) first; empty when result is none"),
  })
  .describe("The answer for one identifier");

export const identifierErrorSchema = z
  .strictObject({
    code: z.string().describe("Why the identifier was refused, such as missing_country_code or not_one_at_sign"),
    title: z.string(),
    detail: z.string().describe("Written for the person who typed the identifier"),
  })
  .describe("Why one identifier could not be looked up");

export const lookupErrorSlotSchema = z
  .strictObject({
    input: z.unknown().describe("The batch item exactly as it was sent"),
    error: identifierErrorSchema,
  })
  .describe("A batch slot whose identifier is invalid: only this slot fails, never the batch");

export const batchLookupItemSchema = z.union([lookupResultSchema, lookupErrorSlotSchema]);

export const batchLookupResponseSchema = z
  .strictObject({
    results: z.array(batchLookupItemSchema).describe("One item per identifier sent, in request order, repeats included"),
  })
  .describe("The answers of a batch lookup");

const API_ERROR_CODES = Object.keys(API_ERRORS) as [ApiErrorCode, ...ApiErrorCode[]];

export const problemSchema = z
  .looseObject({
    type: z.url().describe("A link to this code's entry in the API reference"),
    title: z.string().describe("The code's fixed title"),
    status: z.number().int().min(400).max(599).describe("The HTTP status, repeated"),
    detail: z.string().describe("What went wrong with this request, for a person to read"),
    code: z.enum(API_ERROR_CODES).describe("A stable, machine-readable code: branch on this, not on title or detail"),
    issues: z
      .array(z.strictObject({ path: z.string(), message: z.string() }))
      .optional()
      .describe("invalid_value only: each member of the body that was refused, such as an unknown field"),
    identifier_error: z.string().optional().describe("invalid_value on a single lookup only: why the identifier was refused"),
    max_batch: z.number().int().min(1).optional().describe("batch_too_large only: the most identifiers a batch may carry"),
  })
  .describe("An RFC 9457 problem document. Clients ignore members they do not know.");

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
  .describe("How to use this DP (protocol section 3)");

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
  .describe("A public signing key. Private members are never published.");

export const jwksSchema = z
  .strictObject({
    keys: z.array(jwkSchema).describe("Every key that signed a binding still in force, the active key included"),
  })
  .describe("The DP's public keys (RFC 7517). A rotated-out key stays until the last binding it signed expires.");

/** The named schemas of the OpenAPI document's components, in the order a reader meets them. */
export const responseSchemaComponents = {
  LookupResult: lookupResultSchema,
  ServedMapping: servedMappingSchema,
  MappingDocument: mappingDocumentSchema,
  MappingEntry: mappingEntrySchema,
  Audience: audienceSchema,
  MappingProof: mappingProofSchema,
  BatchLookupResponse: batchLookupResponseSchema,
  LookupErrorSlot: lookupErrorSlotSchema,
  IdentifierError: identifierErrorSchema,
  Problem: problemSchema,
  DiscoveryMetadata: dpMetadataSchema,
  JsonWebKeySet: jwksSchema,
  JsonWebKey: jwkSchema,
} as const;

// If these schemas and the wire types drift apart, these lines stop the build.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type FoundItem = Extract<LookupItem, { csi: string }>;
type ErrorSlot = Extract<LookupItem, { error: unknown }>;
const _lookupResultMatches: Same<z.output<typeof lookupResultSchema>, FoundItem> = true;
const _errorSlotMatches: Same<Required<z.output<typeof lookupErrorSlotSchema>>, ErrorSlot> = true;
const _metadataMatches: Same<z.output<typeof dpMetadataSchema>, DpMetadata> = true;
