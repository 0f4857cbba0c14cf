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
  };
}
