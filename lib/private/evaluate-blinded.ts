import { decodeBase64url, encodeBase64url } from "@mimi-discovery/msp-kit";
import { DomainError } from "@/lib/errors/domain-error";
import type { OprfKey } from "./oprf-keys";
import { isValidSodiumElement, readySodium, sodiumEvaluateBatch } from "./sodium-voprf";

export class OprfRefused extends DomainError<"oprf_refused"> {
  constructor(message: string) {
    super("oprf_refused", "invalid", message);
  }
}

/** The key that answers an epoch: the active one, or a retiring one within its grace period; never one being built. */
export function answeringKey(keys: OprfKey[], epoch: number): OprfKey {
  const key = keys.find((candidate) => candidate.epoch === epoch && candidate.state !== "building");
  if (!key) throw new OprfRefused(`The OPRF key of epoch ${epoch} does not answer: fetch the metadata again and use its active key.`);
  return key;
}

/**
 * RFC 9497 BlindEvaluate of a batch under one DLEQ proof (sodium-voprf.ts). Every element is checked first: one that
 * is not a canonical ristretto255 encoding, or is the identity (section 3.3), refuses the whole batch, naming its index.
 */
export async function evaluateBlinded(key: OprfKey, blinded: string[]): Promise<{ evaluated: string[]; proof: string }> {
  const s = await readySodium();
  const elements = blinded.map((text) => decodeBase64url(text));
  const bad = elements.findIndex((element) => !isValidSodiumElement(s, element));
  if (bad !== -1) throw new OprfRefused(`blinded[${bad}] is not a ristretto255 element other than the identity.`);
  const { evaluated, proof } = sodiumEvaluateBatch(s, key.secretKey, key.publicKey, elements);
  return { evaluated: evaluated.map(encodeBase64url), proof: encodeBase64url(proof) };
}
