import { describe, expect, it } from "vitest";
import vectors from "@/packages/msp-kit/src/oprf/rfc9497-ristretto255-voprf-vectors.json" with { type: "json" };
import { blindInputs, deriveOprfKeyPair, evaluateBatch, finalizeBatch, generateOprfKeyPair } from "@mimi-discovery/msp-kit";
import { isValidSodiumElement, readySodium, sodiumEvaluateBatch, sodiumEvaluateInput } from "./sodium-voprf";

const hex = (text: string) => Uint8Array.from(Buffer.from(text, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
const list = (text: string) => text.split(",").map(hex);

describe("the DP's VOPRF evaluation on libsodium", () => {
  it("matches RFC 9497 A.1.2 (ristretto255-SHA512, VOPRF) byte for byte: evaluated elements and proofs, batches of 1 and 2", async () => {
    const s = await readySodium();
    const keys = deriveOprfKeyPair(hex(vectors.seed), hex(vectors.keyInfo));
    for (const vector of vectors.vectors) {
      const { evaluated, proof } = sodiumEvaluateBatch(s, keys.secretKey, keys.publicKey, list(vector.BlindedElement), hex(vector.Proof.r));
      expect(evaluated.map(toHex).join(",")).toBe(vector.EvaluationElement);
      expect(toHex(proof)).toBe(vector.Proof.proof);
      expect(list(vector.Input).map((input) => toHex(sodiumEvaluateInput(s, keys.secretKey, input))).join(",")).toBe(vector.Output);
    }
  });

  it("its proofs verify with the kit's verifier (noble) and agree with noble's evaluation, for random batches", async () => {
    const s = await readySodium();
    const keys = generateOprfKeyPair();
    const blinded = blindInputs(Array.from({ length: 17 }, (_, index) => new TextEncoder().encode(`mailto:user${index}@example.com`)));
    const ours = sodiumEvaluateBatch(s, keys.secretKey, keys.publicKey, blinded.map((item) => item.blinded));
    expect(ours.evaluated.map(toHex)).toEqual(evaluateBatch(keys.secretKey, keys.publicKey, blinded.map((item) => item.blinded)).evaluated.map(toHex));
    expect(finalizeBatch(blinded, ours.evaluated, keys.publicKey, ours.proof)).toHaveLength(17);
    // A proof for another key's public element does not verify.
    const other = generateOprfKeyPair();
    const forged = sodiumEvaluateBatch(s, keys.secretKey, other.publicKey, blinded.map((item) => item.blinded));
    expect(() => finalizeBatch(blinded, forged.evaluated, other.publicKey, forged.proof)).toThrow();
  });

  it("refuses the identity, non-canonical encodings and points not on the curve", async () => {
    const s = await readySodium();
    const good = blindInputs([new Uint8Array([1])])[0]!.blinded;
    expect(isValidSodiumElement(s, good)).toBe(true);
    expect(isValidSodiumElement(s, new Uint8Array(32))).toBe(false);
    expect(isValidSodiumElement(s, new Uint8Array(32).fill(0xff))).toBe(false);
    expect(isValidSodiumElement(s, Uint8Array.of(1, ...new Uint8Array(31)))).toBe(false);
    expect(isValidSodiumElement(s, good.subarray(0, 31))).toBe(false);
  });
});
