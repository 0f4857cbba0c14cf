import type { KeyObject } from "node:crypto";
import { serializeDictionary } from "structured-headers";
import { signBase, type SignatureAlgorithm } from "./algorithms";
import { serializeSignatureParams, signatureBase, type SignatureParameters, type SignedMessage } from "./signature-base";

/**
 * Signs a message under RFC 9421 (section 3.1): builds the signature base of the covered components and
 * answers the `Signature-Input` and `Signature` fields to add, under `label`.
 */
export function signMessage(options: {
  message: SignedMessage;
  components: string[];
  parameters: SignatureParameters;
  algorithm: SignatureAlgorithm;
  key: KeyObject;
  label: string;
}): { "signature-input": string; signature: string; base: string } {
  const params = serializeSignatureParams(options.components, options.parameters);
  const base = signatureBase(options.message, options.components, params);
  const signature = signBase(options.algorithm, options.key, base);
  const bytes = signature.buffer.slice(signature.byteOffset, signature.byteOffset + signature.byteLength) as ArrayBuffer;
  return {
    "signature-input": `${options.label}=${params}`,
    signature: serializeDictionary(new Map([[options.label, [bytes, new Map()]]])),
    base,
  };
}
