import { z } from "zod";
import { mspIdSchema } from "./ids.ts";
import { servedMappingSchema } from "./mapping.ts";

/**
 * Protocol section 4: the lookup requests and answers. Nothing in a request identifies the sender person:
 * `sender_msp` and `context` describe the sender's service and declared context only, and the DP neither logs
 * nor stores them.
 */
export const lookupRequestSchema = z
  .strictObject({
    csi: z.string().min(1).max(512).describe("The identifier to look up: tel:+E164, +E164, an email address or mailto:"),
    sender_msp: mspIdSchema.optional().describe("The querying sender's MSP id; accepted for resolution by the caller, unused by the DP"),
    context: z.string().min(1).max(64).optional().describe("A context the sender declares, such as Business"),
  })
  .meta({ id: "LookupRequest", description: "One identifier to look up" });

/**
 * Protocol section 7: a private lookup, the inner request of an Oblivious HTTP request. The identifier only: what
 * the sender's MSP or context is would tell the DP whose address book this is.
 */
export const privateLookupRequestSchema = z
  .strictObject({
    csi: z.string().min(1).max(512).describe("The identifier to look up: tel:+E164, +E164, an email address or mailto:"),
  })
  .meta({ id: "PrivateLookupRequest", description: "One identifier, looked up through the OHTTP gateway with a Privacy Pass token" });

export const batchLookupRequestSchema = z
  .strictObject({
    csis: z
      .array(z.unknown())
      .min(1, "Send at least one identifier.")
      .describe("Identifiers to look up, at most max_batch (from the metadata); results come back in this order"),
  })
  .meta({ id: "BatchLookupRequest", description: "Many identifiers to look up, such as an address book" });

export const lookupResultStatuses = ["none", "opted_out", "found"] as const;

export const lookupResultSchema = z
  .strictObject({
    csi: z.string().describe("The identifier in its normalised URI form: tel:+E164 or mailto:address"),
    result: z
      .enum(lookupResultStatuses)
      .describe('"none": no mapping exists; "opted_out": mappings exist and all list no MSP; "found": at least one mapping lists an MSP'),
    mappings: z.array(servedMappingSchema).describe("Every active mapping of the identifier, oldest (lowest seq) first; empty when result is none"),
  })
  .meta({ id: "LookupResult", description: "The answer for one identifier" });

export const identifierErrorSchema = z
  .strictObject({
    code: z.string().describe("Why the identifier was refused, such as missing_country_code or not_one_at_sign"),
    title: z.string(),
    detail: z.string().describe("Written for the person who typed the identifier"),
  })
  .meta({ id: "IdentifierError", description: "Why one identifier could not be looked up" });

export const lookupErrorSlotSchema = z
  .strictObject({
    input: z.unknown().describe("The batch item exactly as it was sent"),
    error: identifierErrorSchema,
  })
  .meta({ id: "LookupErrorSlot", description: "A batch slot whose identifier is invalid: only this slot fails, never the batch" });

export const batchLookupItemSchema = z.union([lookupResultSchema, lookupErrorSlotSchema]);

/** Protocol section 8: beside a federated answer, the DPs that could not be asked and the mappings refused. */
export const federationReportSchema = z
  .strictObject({
    unavailable: z
      .array(z.strictObject({ dp: z.string(), reason: z.string() }))
      .describe("DPs that could not be asked (down, slow, refused, beyond the hop limit): the answer lacks whatever they hold"),
    dropped: z
      .array(z.strictObject({ dp: z.string(), csi: z.string(), mapping_id: z.string(), reason: z.string() }))
      .describe("Mappings a peer returned that did not verify against their own DP's keys, or came from a DP not authoritative for the identifier: never served"),
  })
  .meta({ id: "FederationReport", description: "Present when the DP takes part in a federation: what the answer could not include, and why" });

export const singleLookupResponseSchema = lookupResultSchema
  .extend({ federation: federationReportSchema.optional() })
  .meta({ id: "SingleLookupResponse", description: "The answer for one identifier, with the federation report when the DP federates" });

export const batchLookupResponseSchema = z
  .strictObject({
    results: z.array(batchLookupItemSchema).describe("One item per identifier sent, in request order, repeats included"),
    federation: federationReportSchema.optional(),
  })
  .meta({ id: "BatchLookupResponse", description: "The answers of a batch lookup" });

export type LookupRequest = z.input<typeof lookupRequestSchema>;
export type BatchLookupRequest = z.input<typeof batchLookupRequestSchema>;
export type LookupResultStatus = (typeof lookupResultStatuses)[number];
export type LookupResult = z.output<typeof lookupResultSchema>;
export type IdentifierErrorSlot = z.output<typeof lookupErrorSlotSchema>;
/** One slot of a batch answer: a result, or why its input was refused. */
export type LookupItem = LookupResult | { input: unknown; error: z.output<typeof identifierErrorSchema> };
