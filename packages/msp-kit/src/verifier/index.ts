/** The mapping verifier of protocol section 2.1, for MSPs, the DP and the command line; it runs in browsers too. */
export { verifyMapping } from "./verify-mapping.ts";
export { verifyLookupItem } from "./verify-lookup-item.ts";
export { verifyLookupAnswer, resultOf, type AnswerCheck, type VerifiedAnswer } from "./verify-lookup-answer.ts";
export { computeMappingChallenge } from "./mapping-challenge.ts";
export type { CheckId, CheckResult, Verification, VerifyOptions } from "./types.ts";
