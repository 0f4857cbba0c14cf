import { decodeBase64url } from "../encoding/base64url.ts";
import { MAX_BUCKET_BITS } from "../oprf/record.ts";
import { isValidElement, OPRF_MODE, OPRF_SUITE } from "../oprf/voprf.ts";
import { isRecord } from "../verifier/read-proof.ts";
import { decodePaddedBase64url } from "../privacy-pass/base64.ts";
import { dpEndpoint, type DpConfig } from "./dp-config.ts";
import { DpError } from "./dp-error.ts";

/** The members of the metadata's `private_lookup` object (protocol section 7) a client uses, checked. */
export type PrivateEndpoints = {
  gateway: URL;
  keysUri: URL;
  lookupEndpoint: URL;
  directory: URL;
  tokenRequest: URL;
  challenge: Uint8Array;
  /**
   * OPRF-keyed buckets: their endpoints and key, or why they cannot be used (kept, not thrown, so that a DP with an
   * unusable `oprf` member still serves part 1's lookups); undefined when the DP does not offer them.
   */
  oprf?: OprfEndpoints | DpError;
};

export type OprfEndpoints = {
  evaluate: URL;
  buckets: URL;
  maxEvaluateBatch: number;
  maxBucketsPerRequest: number;
  /** The key to use: the first the metadata lists as active. */
  key: { epoch: number; publicKey: Uint8Array; bucketBits: number };
};

export function privateEndpoints(config: DpConfig, dp: string): PrivateEndpoints {
  const member = config.metadata.private_lookup;
  if (!isRecord(member)) throw new DpError("bad_answer", `the DP at ${dp} publishes no private_lookup in its metadata: it does not offer private lookups`);
  const scoped: DpConfig = { ...config, metadata: member };
  let challenge: Uint8Array;
  try {
    challenge = decodePaddedBase64url(String(member.token_challenge));
  } catch {
    throw new DpError("bad_answer", `the DP at ${dp} publishes a token_challenge that is not base64url`);
  }
  if (member.token_type !== 2) throw new DpError("bad_answer", `the DP at ${dp} wants Privacy Pass token type ${String(member.token_type)}; this client makes type 2`);
  return {
    gateway: dpEndpoint(scoped, "ohttp_gateway", dp),
    keysUri: dpEndpoint(scoped, "ohttp_keys_uri", dp),
    lookupEndpoint: dpEndpoint(scoped, "lookup_endpoint", dp),
    directory: dpEndpoint(scoped, "token_issuer_directory", dp),
    tokenRequest: dpEndpoint(scoped, "token_request_endpoint", dp),
    challenge,
    ...(isRecord(member.oprf) ? { oprf: readOprf({ ...config, metadata: member.oprf }, dp) } : {}),
  };
}

function readOprf(scoped: DpConfig, dp: string): OprfEndpoints | DpError {
  try {
    return oprfEndpoints(scoped, dp);
  } catch (error) {
    if (error instanceof DpError) return error;
    throw error;
  }
}

function oprfEndpoints(scoped: DpConfig, dp: string): OprfEndpoints {
  const oprf = scoped.metadata;
  if (oprf.suite !== OPRF_SUITE || oprf.mode !== OPRF_MODE) throw new DpError("bad_answer", `the DP at ${dp} offers OPRF suite ${String(oprf.suite)} in mode ${String(oprf.mode)}; this client speaks ${OPRF_SUITE} ${OPRF_MODE}`);
  const keys = Array.isArray(oprf.keys) ? oprf.keys : [];
  const active = keys.find((key) => isRecord(key) && key.state === "active");
  const whole = (value: unknown, min: number, max: number) => typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
  if (!isRecord(active) || !whole(active.epoch, 1, 2 ** 31) || !whole(active.bucket_bits, 0, MAX_BUCKET_BITS) || typeof active.public_key !== "string") {
    throw new DpError("bad_answer", `the DP at ${dp} lists no active OPRF key with an epoch, a public_key and bucket_bits`);
  }
  let publicKey: Uint8Array;
  try {
    publicKey = decodeBase64url(active.public_key);
  } catch {
    throw new DpError("bad_answer", `the DP at ${dp} publishes an OPRF public_key that is not base64url`);
  }
  if (!isValidElement(publicKey)) throw new DpError("bad_answer", `the DP at ${dp} publishes an OPRF public_key that is not a ristretto255 element`);
  if (!whole(oprf.max_evaluate_batch, 1, 10_000) || !whole(oprf.max_buckets_per_request, 1, 10_000)) throw new DpError("bad_answer", `the DP at ${dp} publishes no OPRF batch limits`);
  return {
    evaluate: dpEndpoint(scoped, "evaluate_endpoint", dp),
    buckets: dpEndpoint(scoped, "buckets_endpoint", dp),
    maxEvaluateBatch: oprf.max_evaluate_batch as number,
    maxBucketsPerRequest: oprf.max_buckets_per_request as number,
    key: { epoch: active.epoch as number, publicKey, bucketBits: active.bucket_bits as number },
  };
}
