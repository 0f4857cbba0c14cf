/**
 * @mimi-discovery/msp-kit: what an MSP needs to use a MIMI Discovery Provider, in Node and in browsers. The wire
 * format as zod schemas, RFC 8785 canonicalisation, identifier normalisation, the mapping verifier, the resolver
 * and a lookup client that does lookup, verification and resolution in one call. Nothing here uses a node: module.
 */
export * from "./wire/index.ts";
export { decodeBase64url, encodeBase64url, isBase64urlOfLength } from "./encoding/base64url.ts";
export { canonicalize, CanonicalizationError } from "./jcs/canonicalize.ts";
export type { Csi, EmailCsi, PhoneCsi, PhoneLineType } from "./identifiers/csi.ts";
export { IdentifierError, type IdentifierErrorCode } from "./identifiers/identifier-error.ts";
export { normalizeEmail } from "./identifiers/normalize-email.ts";
export { normalizePhone, type NormalizePhoneOptions } from "./identifiers/normalize-phone.ts";
export { maskIdentifier, parseIdentifier } from "./identifiers/parse-identifier.ts";
export { parseCsiInput, type CsiInputError, type ParsedCsiInput } from "./identifiers/parse-csi-input.ts";
export * from "./verifier/index.ts";
export {
  resolveForSender,
  specificityOf,
  SPECIFICITY_ORDER,
  type MatchedEntry,
  type Resolution,
  type SenderContext,
  type Specificity,
} from "./resolver/resolve.ts";
export { computeSelector, computeSelectors, newSalt } from "./resolver/selectors.ts";
export { describeMapping } from "./resolver/describe-mapping.ts";
export { printable } from "./text/printable.ts";
export {
  createLookupClient,
  lookupRequestBody,
  type BatchSlot,
  type LookupClient,
  type LookupClientOptions,
  type RateLimitState,
  type Sender,
  type VerifiedLookup,
} from "./client/create-lookup-client.ts";
export { dpEndpoint, fetchDpConfig, readJwks, type DpConfig } from "./client/dp-config.ts";
export { describeFetchError, DpError, type DpRefusal } from "./client/dp-error.ts";
export * from "./bhttp/index.ts";
export * from "./ohttp/index.ts";
export * from "./privacy-pass/index.ts";
export * from "./oprf/index.ts";
export { createTokenClient, type TokenClient, type TokenClientOptions } from "./client/token-client.ts";
export { createPrivateLookupClient, privateLookup, type PrivateLookupClient, type PrivateLookupOptions } from "./client/private-lookup.ts";
export * from "./directory/index.ts";
