import { z } from "zod";
import { isBase64urlOfLength } from "../encoding/base64url.ts";
import { csiUriSchema, mspIdSchema, originSchema, timestampSchema, uuidSchema } from "./ids.ts";

/**
 * The verifiable mapping of protocol section 2, as it travels on the wire: the one definition that the DP, its API
 * reference and every verifier share; the TypeScript types are inferred from it. Change it only on purpose, with a
 * protocol version.
 *
 * Structure only: product rules (how many entries a recipient may publish, which MSPs exist) belong to the DP. The
 * caps here stop a hostile document from costing a verifier unbounded work. Objects are strict: an unknown member
 * would be signed without anyone knowing what it means.
 */
export const MAX_ENTRIES = 64;
export const MAX_TAGS = 16;
export const MAX_TAG_LENGTH = 64;
export const MAX_SELECTORS = 2000;
export const MAX_LABEL_LENGTH = 256;
const MAX_MSPS = 256;
export const SALT_BYTES = 16;
export const SELECTOR_BYTES = 32;

export const BINDING_JWS_TYPE = "mimi-csi-binding+jwt";

const tag = z.string().min(1).max(MAX_TAG_LENGTH);
const tags = z.array(tag).max(MAX_TAGS);

export const audienceSchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("everyone") }),
    /** Only senders whose MSP is listed (CUJ 1). */
    z.strictObject({ kind: z.literal("sender_msps"), msps: z.array(mspIdSchema).max(MAX_MSPS) }),
    /** Only senders on this entry's own MSP (CUJ 2). */
    z.strictObject({ kind: z.literal("same_msp") }),
    /** Senders who declare one of these contexts, such as Business (CUJ 7). */
    z.strictObject({ kind: z.literal("context"), tags }),
    /**
     * Particular senders or a closed group (CUJ 5, 6). Each selector is base64url(scrypt(UTF-8 of the sender's
     * normalised CSI URI, the decoded salt, N=16384, r=8, p=1, 32 bytes)).
     */
    z.strictObject({
      kind: z.literal("senders"),
      salt: z.string().refine((value) => isBase64urlOfLength(value, SALT_BYTES), `must be base64url of ${SALT_BYTES} bytes`),
      selectors: z
        .array(z.string().refine((value) => isBase64urlOfLength(value, SELECTOR_BYTES), `must be base64url of ${SELECTOR_BYTES} bytes`))
        .max(MAX_SELECTORS),
    }),
  ])
  .meta({
    id: "Audience",
    description:
      "Which senders an entry is for: everyone; sender_msps, senders on the listed MSPs; same_msp, senders on the entry's own MSP; context, senders who declare one of the tags; senders, particular senders, as base64url(scrypt(sender's normalised identifier, salt, N=16384, r=8, p=1, 32 bytes)) selectors that the querying MSP checks itself. The most specific matching kind wins, then the lowest priority",
  });

export const mappingEntrySchema = z
  .strictObject({
    msp: mspIdSchema.describe("The id (a lower-case domain name) of an MSP registered with the DP"),
    tags: tags.describe("The recipient's labels for this entry, such as Personal or Business"),
    priority: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe("1 is the most preferred"),
    audience: audienceSchema,
  })
  .meta({ id: "MappingEntry", description: "One MSP where the recipient may be reached, by the senders its audience names" });

export const mappingDocumentSchema = z
  .strictObject({
    v: z.literal(1).describe("The format version"),
    dp: originSchema.describe("The issuer origin of the DP that holds the mapping, as `issuer` in its metadata"),
    csi: csiUriSchema.describe("The identifier as a normalised URI: tel:+E164 or mailto:address"),
    seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Grows with every new mapping of this identifier"),
    fresh: z.boolean().describe("True when publishing this mapping de-listed every earlier mapping of the identifier (R9's \"new\" bit)"),
    label: z.string().max(MAX_LABEL_LENGTH).describe("The recipient's name for this mapping, such as Personal or Work"),
    created: timestampSchema.describe("When the recipient signed it: RFC 3339, UTC, whole seconds"),
    expires: timestampSchema.describe("After which it is never served: RFC 3339, UTC, whole seconds"),
    entries: z
      .array(mappingEntrySchema)
      .max(MAX_ENTRIES)
      .describe("Where the recipient may be reached, and by whom. Empty is a deliberate opt-out: a mapping that lists no MSP (R5)"),
  })
  .refine((document) => document.expires > document.created, { message: "expires must be after created", path: ["expires"] })
  .meta({ id: "MappingDocument", description: "A mapping (protocol section 2), served as the exact bytes the recipient signed with a passkey" });

const base64url = z.string().regex(/^[A-Za-z0-9_-]+$/u, "must be base64url without padding");
const compactJws = z.string().regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/u, "must be a compact JWS");

export const mappingAssertionSchema = z
  .strictObject({
    credential_id: base64url,
    authenticator_data: base64url,
    client_data_json: base64url,
    signature: base64url.describe("DER-encoded ES256 signature over authenticator_data || SHA-256(client_data_json)"),
  })
  .describe("A WebAuthn assertion by that passkey whose challenge is base64url(SHA-256(JCS(document)))");

export const mappingProofSchema = z
  .strictObject({
    binding: compactJws.describe(
      `A JWS signed by the DP (ES256, header typ "${BINDING_JWS_TYPE}", kid in the JWKS) saying that the holder of a passkey proved ownership of the identifier. Payload: iss, sub (the identifier), cnf.jwk (the passkey's public key), amr, iat, exp.`,
    ),
    assertion: mappingAssertionSchema,
  })
  .meta({ id: "MappingProof", description: "Lets anyone check the mapping offline against the DP's JWKS (protocol section 2.1)" });

export const servedMappingSchema = z
  .strictObject({
    id: uuidSchema.describe("The mapping's id at its DP"),
    document: mappingDocumentSchema,
    proof: mappingProofSchema,
  })
  .meta({ id: "ServedMapping", description: "One active, unexpired mapping of the identifier" });

/** How the recipient proved the CSI before the DP bound a passkey to it. */
export const proofMethods = ["otp-sms", "otp-voice", "otp-email"] as const;

/** A passkey's public key as the binding names it: an EC P-256 JWK, public members only. */
export const passkeyJwkSchema = z.looseObject({ kty: z.literal("EC"), crv: z.literal("P-256"), x: base64url, y: base64url });

/** The payload of a binding JWS (protocol section 2.1). */
export const bindingClaimsSchema = z.looseObject({
  iss: originSchema,
  sub: csiUriSchema,
  cnf: z.looseObject({ jwk: passkeyJwkSchema }),
  amr: z.array(z.enum(proofMethods)).min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  nbf: z.number().int().optional(),
});

export type Audience = z.output<typeof audienceSchema>;
export type AudienceKind = Audience["kind"];
export type MappingEntry = z.output<typeof mappingEntrySchema>;
export type MappingDocument = z.output<typeof mappingDocumentSchema>;
export type MappingAssertion = z.output<typeof mappingAssertionSchema>;
export type MappingProof = z.output<typeof mappingProofSchema>;
export type ServedMapping = z.output<typeof servedMappingSchema>;
export type PasskeyJwk = z.output<typeof passkeyJwkSchema>;
export type BindingClaims = z.output<typeof bindingClaimsSchema>;
export type ProofMethod = (typeof proofMethods)[number];
