import { blindInputs, evaluateBatch, generateOprfKeyPair } from "@mimi-discovery/msp-kit";
import { readySodium, sodiumEvaluateBatch } from "@/lib/private/sodium-voprf";

type Measured = { evaluationsPerSecond: number; batches: number; seconds: number };

/**
 * OPRF evaluations per second on one core (this process's thread): RFC 9497 BlindEvaluate of batches of
 * `batchSize` blinded elements with their DLEQ proof, as POST /api/v1/private/evaluate runs it (libsodium,
 * lib/private/sodium-voprf.ts), without the HTTP around it; and the same with @noble/curves, the kit's
 * implementation, for comparison.
 */
export async function measureOprfEvaluations(options: { seconds: number; batchSize: number }): Promise<{ batchSize: number; evaluationsPerSecond: number; dp: Measured; noble: Measured }> {
  const { secretKey, publicKey } = generateOprfKeyPair();
  const encoder = new TextEncoder();
  const blinded = blindInputs(Array.from({ length: options.batchSize * 4 }, (_, index) => encoder.encode(`tel:+331234${String(index).padStart(5, "0")}`))).map((item) => item.blinded);
  const s = await readySodium();
  const run = (seconds: number, evaluate: (batch: Uint8Array[]) => unknown): Measured => {
    const started = performance.now();
    const deadline = started + seconds * 1000;
    let batches = 0;
    while (performance.now() < deadline) {
      const offset = (batches % 4) * options.batchSize;
      evaluate(blinded.slice(offset, offset + options.batchSize));
      batches += 1;
    }
    const elapsed = (performance.now() - started) / 1000;
    return { evaluationsPerSecond: (batches * options.batchSize) / elapsed, batches, seconds: elapsed };
  };
  const dp = run(options.seconds, (batch) => sodiumEvaluateBatch(s, secretKey, publicKey, batch));
  const noble = run(Math.min(options.seconds, 3), (batch) => evaluateBatch(secretKey, publicKey, batch));
  return { batchSize: options.batchSize, evaluationsPerSecond: dp.evaluationsPerSecond, dp, noble };
}
