import {
  audienceSchema,
  batchLookupResponseSchema,
  dpMetadataSchema,
  identifierErrorSchema,
  jwkSchema,
  jwksSchema,
  lookupErrorSlotSchema,
  lookupResultSchema,
  mappingDocumentSchema,
  mappingEntrySchema,
  mappingProofSchema,
  problemSchema,
  servedMappingSchema,
} from "@mimi-discovery/msp-kit";

/** The named schemas of the OpenAPI document's components, in the order a reader meets them: the kit's wire schemas. */
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
