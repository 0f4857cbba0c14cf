/** The mapping verifier of protocol section 2.1, for MSPs, the DP and the command line; it runs in browsers too. */
export { verifyMapping } from "./verify-mapping";
export { verifyLookupItem } from "./verify-lookup-item";
export { computeMappingChallenge } from "./mapping-challenge";
export { mappingDocumentSchema, mappingEntrySchema, audienceSchema } from "./document-schema";
export type { CheckId, CheckResult, Verification, VerifyOptions } from "./types";
