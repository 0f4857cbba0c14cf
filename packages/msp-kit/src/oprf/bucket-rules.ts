import { MAX_BUCKET_BITS, NONCE_BYTES, RECORD_BLOCK_BYTES } from "./record.ts";

/**
 * The two documented rules of private lookups (README, "Private lookups"), shared by the DP and its clients.
 *
 * bucket_bits: the fewest bits that leave at most TARGET_BUCKET_LOAD records per bucket on average, that is
 * ceil(log2(records / TARGET_BUCKET_LOAD)), at least 0 and at most 32. The mean load of a bucket is then between
 * half the target and the target (4 to 8 stored CSIs): the anonymity set the DP sees for one bucket id.
 *
 * padding: a bucket is answered as whole records whose total size, in blocks of RECORD_BLOCK_BYTES plaintext, is
 * raised with dummy records of one block (a random tag and random bytes) to the next multiple of BUCKET_PAD_BLOCKS,
 * and to at least BUCKET_PAD_BLOCKS. With a mean load of at most 8 one-block records, a bucket outgrows 32 blocks
 * with a probability below 1e-9 (Poisson tail), so every answer but those is exactly 32 records of one block.
 */
export const TARGET_BUCKET_LOAD = 8;
export const BUCKET_PAD_BLOCKS = 32;

export function bucketBitsFor(records: number): number {
  if (records <= TARGET_BUCKET_LOAD) return 0;
  return Math.min(MAX_BUCKET_BITS, Math.ceil(Math.log2(records / TARGET_BUCKET_LOAD)));
}

/** How many blocks an answer holding `blocks` blocks of real records is padded to. */
export function paddedBlocks(blocks: number): number {
  return Math.max(1, Math.ceil(blocks / BUCKET_PAD_BLOCKS)) * BUCKET_PAD_BLOCKS;
}

/** The blocks a record of `recordBytes` (nonce and GCM tag included) fills. */
export function blocksOf(recordBytes: number): number {
  return Math.max(1, Math.ceil((recordBytes - NONCE_BYTES - 16) / RECORD_BLOCK_BYTES));
}
