/** Oblivious HTTP (RFC 9458): key configurations and both sides of encapsulation. */
export {
  decapsulateRequest,
  encapsulateRequest,
  importGatewayKey,
  OHTTP_REQUEST_MEDIA_TYPE,
  OHTTP_RESPONSE_MEDIA_TYPE,
  type DecapsulatedRequest,
  type EncapsulatedRequest,
  type EncapsulationSeams,
  type GatewayKey,
} from "./encapsulation.ts";
export { decodeKeyConfig, decodeKeyConfigs, encodeKeyConfig, encodeKeyConfigs, OHTTP_KEYS_MEDIA_TYPE, type KeyConfig } from "./key-config.ts";
export { OhttpError, type OhttpErrorCode } from "./ohttp-error.ts";
export { AEAD_AES_128_GCM, AEAD_AES_256_GCM, KDF_HKDF_SHA256, KEM_X25519_HKDF_SHA256, type SymmetricAlgorithm } from "./suites.ts";
