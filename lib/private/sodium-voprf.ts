import { createHash } from "node:crypto";
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve.js";
import { sha512 } from "@noble/hashes/sha2.js";
import sodium from "libsodium-wrappers-sumo";

/**
 * The DP's side of RFC 9497 VOPRF (ristretto255-SHA512): BlindEvaluate of a batch and its DLEQ proof
 * (GenerateProof with ComputeCompositesFast, section 2.2.1), on libsodium's ristretto255 group operations.
 *
 * Why not @noble/curves here too (the kit's client side, which must also run in browsers, uses it): evaluation is
 * the DP's hot path, and noble's BigInt arithmetic did 188-740 evaluations/s per core on this machine where
 * libsodium's scalar multiplication does ~6,000/s; one evaluation costs two of them (k·B and the composite's d·B).
 * Checked byte for byte against the RFC's vectors, and against noble's verifier, in sodium-voprf.test.ts.
 */
const CONTEXT = Buffer.concat([Buffer.from("OPRFV1-"), Buffer.from([0x01]), Buffer.from("-ristretto255-SHA512")]);
const HASH_TO_SCALAR_DST = Buffer.concat([Buffer.from("HashToScalar-"), CONTEXT]);
const SEED_DST = Buffer.concat([Buffer.from("Seed-"), CONTEXT]);
const HASH_TO_GROUP_DST = Buffer.concat([Buffer.from("HashToGroup-"), CONTEXT]);
const IDENTITY = new Uint8Array(32);

let loaded: Promise<typeof sodium> | undefined;
/** libsodium compiles its WebAssembly once per process. */
export function readySodium(): Promise<typeof sodium> {
  loaded ??= sodium.ready.then(() => sodium);
  return loaded;
}

function lengthPrefixed(...parts: (Uint8Array | string)[]): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if (typeof part === "string") {
      chunks.push(Buffer.from(part));
      continue;
    }
    chunks.push(Buffer.from([part.length >> 8, part.length & 0xff]), Buffer.from(part));
  }
  return Buffer.concat(chunks);
}

function hashToScalar(s: typeof sodium, message: Uint8Array): Uint8Array {
  return s.crypto_core_ristretto255_scalar_reduce(expand_message_xmd(message, HASH_TO_SCALAR_DST, 64, sha512));
}

/** A canonical encoding of an element other than the identity (RFC 9497 section 3.3: both are refused). */
export function isValidSodiumElement(s: typeof sodium, bytes: Uint8Array): boolean {
  return bytes.length === 32 && !Buffer.from(bytes).equals(Buffer.from(IDENTITY)) && s.crypto_core_ristretto255_is_valid_point(bytes);
}

/**
 * BlindEvaluate for every element, and one proof that all of them were made with the key whose public element is
 * `publicKey`. The caller has checked every element (isValidSodiumElement). `proofScalar` only for the RFC vectors.
 */
export function sodiumEvaluateBatch(s: typeof sodium, secretKey: Uint8Array, publicKey: Uint8Array, blinded: Uint8Array[], proofScalar?: Uint8Array): { evaluated: Uint8Array[]; proof: Uint8Array } {
  const evaluated = blinded.map((element) => s.crypto_scalarmult_ristretto255(secretKey, element));
  // ComputeCompositesFast: M = sum of d_i * C_i, Z = k * M.
  const seed = createHash("sha512").update(lengthPrefixed(publicKey, SEED_DST)).digest();
  let composite: Uint8Array | undefined;
  blinded.forEach((element, index) => {
    const weight = hashToScalar(s, Buffer.concat([lengthPrefixed(seed), Buffer.from([index >> 8, index & 0xff]), lengthPrefixed(element, evaluated[index]!, "Composite")]));
    const term = s.crypto_scalarmult_ristretto255(weight, element);
    composite = composite ? s.crypto_core_ristretto255_add(composite, term) : term;
  });
  const m = composite!;
  const z = s.crypto_scalarmult_ristretto255(secretKey, m);
  const r = proofScalar ?? s.crypto_core_ristretto255_scalar_random();
  const t2 = s.crypto_scalarmult_ristretto255_base(r);
  const t3 = s.crypto_scalarmult_ristretto255(r, m);
  const c = hashToScalar(s, lengthPrefixed(publicKey, m, z, t2, t3, "Challenge"));
  const proofS = s.crypto_core_ristretto255_scalar_sub(r, s.crypto_core_ristretto255_scalar_mul(c, secretKey));
  const proof = new Uint8Array(64);
  proof.set(c);
  proof.set(proofS, 32);
  return { evaluated, proof };
}

/**
 * Evaluate (RFC 9497 section 3.3.2), the output for an input the DP holds in clear, as it writes records:
 * SHA-512(len ‖ input ‖ len ‖ k·HashToGroup(input) ‖ "Finalize"), HashToGroup being RFC 9380's hash_to_ristretto255
 * (expand_message_xmd to 64 bytes, then libsodium's from_hash, RFC 9496 section 4.3.4).
 */
export function sodiumEvaluateInput(s: typeof sodium, secretKey: Uint8Array, input: Uint8Array): Uint8Array {
  const element = s.crypto_core_ristretto255_from_hash(expand_message_xmd(input, HASH_TO_GROUP_DST, 64, sha512));
  const unblinded = s.crypto_scalarmult_ristretto255(secretKey, element);
  return createHash("sha512").update(lengthPrefixed(input, unblinded, "Finalize")).digest();
}
