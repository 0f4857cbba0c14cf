import { blindInputs, evaluateBatch, generateOprfKeyPair } from "@mimi-discovery/msp-kit";

/**
 * OPRF evaluations per second on one core (this process's thread): RFC 9497 BlindEvaluate of batches of
 * `batchSize` blinded elements with their DLEQ proof, exactly as POST /api/v1/private/evaluate runs it
 * (lib/private/evaluate-blinded.ts), without the HTTP around it.
 */
export function measureOprfEvaluations(options: { seconds: number; batchSize: number }): { evaluationsPerSecond: number; batchSize: number; batches: number; seconds: number } {
  const { secretKey, publicKey } = generateOprfKeyPair();
  const encoder = new TextEncoder();
  const blinded = blindInputs(Array.from({ length: options.batchSize * 4 }, (_, index) => encoder.encode(`tel:+331234${String(index).padStart(5, "0")}`))).map((item) => item.blinded);
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  let batches = 0;
  while (performance.now() < deadline) {
    const offset = (batches % 4) * options.batchSize;
    evaluateBatch(secretKey, publicKey, blinded.slice(offset, offset + options.batchSize));
    batches += 1;
  }
  const seconds = (performance.now() - started) / 1000;
  return { evaluationsPerSecond: (batches * options.batchSize) / seconds, batchSize: options.batchSize, batches, seconds };
}
