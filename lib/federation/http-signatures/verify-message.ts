import type { KeyObject } from "node:crypto";
import { parseDictionary, serializeInnerList, type BareItem, type InnerList, type Item } from "structured-headers";
import { algorithmOfKey, SIGNATURE_ALGORITHMS, verifyBase, type SignatureAlgorithm } from "./algorithms";
import { signatureBase, type SignatureParameters, type SignedMessage } from "./signature-base";

export type SignatureRefusal =
  | "missing"
  | "malformed"
  | "components"
  | "parameters"
  | "expired"
  | "unknown_key"
  | "bad_signature";

export type VerifiedSignature = { ok: true; components: string[]; parameters: SignatureParameters & { keyid: string } } | { ok: false; reason: SignatureRefusal; detail: string };

/**
 * Verifies the signature under `label` (RFC 9421 section 3.2) against the keys `resolveKey` finds for its keyid.
 * The profile decides what must be covered and which parameters must be there; the caller then judges time
 * and nonce. Only the algorithms of the key itself are accepted: an `alg` parameter that disagrees is refused.
 */
export async function verifyMessage(options: {
  message: SignedMessage;
  label: string;
  requiredComponents: string[];
  requiredParameters: (keyof SignatureParameters)[];
  resolveKey: (keyid: string) => Promise<KeyObject[]>;
}): Promise<VerifiedSignature> {
  const { message, label } = options;
  const inputField = message.headers["signature-input"];
  const signatureField = message.headers.signature;
  if (!inputField || !signatureField) return refuse("missing", "The request carries no Signature-Input and Signature fields.");
  let inputMember: Item | InnerList | undefined;
  let signatureMember: Item | InnerList | undefined;
  try {
    inputMember = parseDictionary(inputField).get(label);
    signatureMember = parseDictionary(signatureField).get(label);
  } catch {
    return refuse("malformed", "Signature-Input or Signature is not a structured dictionary.");
  }
  if (!inputMember || !signatureMember) return refuse("missing", `There is no signature labelled "${label}".`);
  if (!isInnerList(inputMember)) return refuse("malformed", "The Signature-Input member is not an inner list.");
  const signatureBytes = signatureMember[0];
  if (!(signatureBytes instanceof ArrayBuffer)) return refuse("malformed", "The Signature member is not a byte sequence.");

  const [items, params] = inputMember;
  const components: string[] = [];
  for (const [name, itemParams] of items) {
    if (typeof name !== "string" || itemParams.size > 0) return refuse("malformed", "A covered component is not a plain string.");
    components.push(name);
  }
  const missing = options.requiredComponents.filter((component) => !components.includes(component));
  if (missing.length > 0) return refuse("components", `The signature does not cover ${missing.join(", ")}.`);

  const parameters = readParameters(params);
  if (!parameters) return refuse("parameters", "A signature parameter has the wrong type.");
  const absent = options.requiredParameters.filter((name) => parameters[name] === undefined);
  if (absent.length > 0 || parameters.keyid === undefined) return refuse("parameters", `The signature lacks the parameters ${[...new Set([...absent, ...(parameters.keyid === undefined ? ["keyid"] : [])])].join(", ")}.`);
  if (parameters.alg !== undefined && !SIGNATURE_ALGORITHMS.includes(parameters.alg as SignatureAlgorithm)) return refuse("parameters", `The algorithm ${parameters.alg} is not accepted.`);

  let base: string;
  try {
    // Section 3.2 step 6: the member re-serialised as received, every parameter in its order, unknown ones too.
    base = signatureBase(message, components, serializeInnerList(inputMember));
  } catch (error) {
    return refuse("components", `The signature base cannot be built: ${(error as Error).message}.`);
  }
  const keys = await options.resolveKey(parameters.keyid);
  if (keys.length === 0) return refuse("unknown_key", `The key ${JSON.stringify(parameters.keyid)} is not one of the signer's published keys.`);
  const signature = new Uint8Array(signatureBytes);
  for (const key of keys) {
    const algorithm = algorithmOfKey(key);
    if (!algorithm || (parameters.alg !== undefined && parameters.alg !== algorithm)) continue;
    if (verifyBase(algorithm, key, base, signature)) return { ok: true, components, parameters: { ...parameters, keyid: parameters.keyid } };
  }
  return refuse("bad_signature", `The signature does not verify under the key ${JSON.stringify(parameters.keyid)}.`);
}

function refuse(reason: SignatureRefusal, detail: string): VerifiedSignature {
  return { ok: false, reason, detail };
}

function isInnerList(member: Item | InnerList): member is InnerList {
  return Array.isArray(member[0]);
}

function readParameters(params: Map<string, BareItem>): SignatureParameters | undefined {
  const result: SignatureParameters = {};
  for (const [name, value] of params) {
    if (name === "created" || name === "expires") {
      if (typeof value !== "number" || !Number.isInteger(value)) return undefined;
      result[name] = value;
    } else if (name === "nonce" || name === "alg" || name === "keyid" || name === "tag") {
      if (typeof value !== "string") return undefined;
      result[name] = value;
    }
    // Unknown parameters are signed over all the same (they are in the base), and otherwise ignored.
  }
  return result;
}
