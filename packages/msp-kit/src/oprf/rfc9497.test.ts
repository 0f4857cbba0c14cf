import { describe, expect, it } from "vitest";
import vectors from "./rfc9497-ristretto255-voprf-vectors.json" with { type: "json" };
import { blindInputs, deriveOprfKeyPair, evaluateBatch, evaluateInput, finalizeBatch, OprfError, type Rng } from "./voprf.ts";

/** RFC 9497 Appendix A.1.2 (ristretto255-SHA512, VOPRF mode), from the CFRG draft repository's allVectors.json. */
const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const list = (text: string) => text.split(",").map(hex);

/**
 * noble draws a scalar as (48 random bytes, little-endian) mod (order - 1) + 1, so the bytes of (s - 1) give s:
 * the vectors' fixed Blind and ProofRandomScalar are fed through the same door as randomness.
 */
function fixedScalars(scalars: Uint8Array[]): Rng {
  let next = 0;
  return (length = 48) => {
    const value = Buffer.from(scalars[next++]!).reverse();
    const minusOne = BigInt(`0x${value.toString("hex")}`) - 1n;
    const bytes = new Uint8Array(length);
    for (let index = 0, rest = minusOne; index < length; index++, rest >>= 8n) bytes[index] = Number(rest & 0xffn);
    return bytes;
  };
}

describe("RFC 9497 ristretto255-SHA512 VOPRF", () => {
  const keys = deriveOprfKeyPair(hex(vectors.seed), hex(vectors.keyInfo));

  it("derives skSm and pkSm from Seed and KeyInfo", () => {
    expect(toHex(keys.secretKey)).toBe(vectors.skSm);
    expect(toHex(keys.publicKey)).toBe(vectors.pkSm);
  });

  for (const [index, vector] of vectors.vectors.entries()) {
    it(`test vector ${index + 1}, batch size ${vector.Batch}: blinded, evaluated, proof and output byte for byte`, () => {
      const inputs = list(vector.Input);
      const blinded = blindInputs(inputs, fixedScalars(list(vector.Blind)));
      expect(blinded.map((item) => toHex(item.blinded)).join(",")).toBe(vector.BlindedElement);
      const { evaluated, proof } = evaluateBatch(keys.secretKey, keys.publicKey, blinded.map((item) => item.blinded), fixedScalars([hex(vector.Proof.r)]));
      expect(evaluated.map(toHex).join(",")).toBe(vector.EvaluationElement);
      expect(toHex(proof)).toBe(vector.Proof.proof);
      const outputs = finalizeBatch(blinded, evaluated, keys.publicKey, proof);
      expect(outputs.map(toHex).join(",")).toBe(vector.Output);
      // The DP writes records with Evaluate: the same output without the client's round trip.
      expect(inputs.map((input) => toHex(evaluateInput(keys.secretKey, input))).join(",")).toBe(vector.Output);
    });
  }

  it("refuses a proof made with another key, an altered element and an identity element", () => {
    const vector = vectors.vectors[2]!;
    const blinded = blindInputs(list(vector.Input), fixedScalars(list(vector.Blind)));
    const evaluated = list(vector.EvaluationElement);
    const other = deriveOprfKeyPair(new Uint8Array(32).fill(7), new Uint8Array());
    expect(() => finalizeBatch(blinded, evaluated, other.publicKey, hex(vector.Proof.proof))).toThrow(OprfError);
    const swapped = [evaluated[1]!, evaluated[0]!];
    expect(() => finalizeBatch(blinded, swapped, keys.publicKey, hex(vector.Proof.proof))).toThrow(OprfError);
    expect(() => finalizeBatch(blinded, [new Uint8Array(32), evaluated[1]!], keys.publicKey, hex(vector.Proof.proof))).toThrow(OprfError);
    expect(() => evaluateBatch(keys.secretKey, keys.publicKey, [new Uint8Array(32)])).toThrow();
    expect(() => evaluateBatch(keys.secretKey, keys.publicKey, [new Uint8Array(32).fill(0xff)])).toThrow();
  });
});
