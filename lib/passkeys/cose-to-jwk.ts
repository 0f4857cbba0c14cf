import type { PasskeyJwk } from "@mimi-discovery/msp-kit";
import { cose, decodeCredentialPublicKey } from "@simplewebauthn/server/helpers";

/**
 * The passkey's public key as a JWK, for the `cnf.jwk` of a mapping's binding. Only EC2 P-256 / ES256 keys
 * are accepted at registration, so that every verifier can check a mapping's signature with WebCrypto.
 */
export function coseToJwk(publicKey: Uint8Array<ArrayBuffer>): PasskeyJwk {
  // Read as a plain map: the library types each COSE key by its kty, which is what is being checked here.
  const key = decodeCredentialPublicKey(publicKey) as unknown as Map<number, unknown>;
  const kty = key.get(cose.COSEKEYS.kty);
  const alg = key.get(cose.COSEKEYS.alg);
  const crv = key.get(cose.COSEKEYS.crv);
  const x = key.get(cose.COSEKEYS.x);
  const y = key.get(cose.COSEKEYS.y);
  if (kty !== cose.COSEKTY.EC2 || alg !== cose.COSEALG.ES256 || crv !== cose.COSECRV.P256 || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
    throw new Error("only ES256 (EC2 P-256) passkeys are supported");
  }
  return { kty: "EC", crv: "P-256", x: Buffer.from(x).toString("base64url"), y: Buffer.from(y).toString("base64url") };
}
