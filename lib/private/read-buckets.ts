import { randomBytes, randomInt } from "node:crypto";
import { and, eq, gte, lt, or, type SQL } from "drizzle-orm";
import type { Database } from "@/db/client";
import { privateRecords } from "@/db/schema";
import { blocksOf, encodeBase64url, ONE_BLOCK_RECORD_BYTES, paddedBlocks, TAG_BYTES, type BucketsResponse } from "@mimi-discovery/msp-kit";
import { OprfRefused } from "./evaluate-blinded";

/**
 * Every record of each requested bucket, padded (README, "Private lookups"): dummy records of one block, a random tag
 * and random bytes, raise each bucket's blocks to the next multiple of BUCKET_PAD_BLOCKS; then the bucket's records
 * are shuffled, so neither sizes nor order tell real records from dummies or how many the bucket holds. The bucket
 * at `bits` b is the range of 32-bit prefixes [id << (32 - b), (id + 1) << (32 - b)).
 */
export async function readBuckets(db: Database, options: { epoch: number; bits: number; publishedBits: number; buckets: number[] }): Promise<BucketsResponse> {
  const { epoch, bits } = options;
  if (bits < Math.max(0, options.publishedBits - 1)) {
    throw new OprfRefused(`bucket_bits ${bits} is coarser than this key's ${options.publishedBits} allows (at least ${Math.max(0, options.publishedBits - 1)}): fetch the metadata again.`);
  }
  const count = 2 ** bits;
  const bad = options.buckets.findIndex((bucket) => bucket >= count);
  if (bad !== -1) throw new OprfRefused(`buckets[${bad}] is out of range: at bucket_bits ${bits} ids are 0 to ${count - 1}.`);
  const unique = [...new Set(options.buckets)];
  const width = 2 ** (32 - bits);
  const ranges: SQL[] = unique.map((bucket) => and(gte(privateRecords.bucket32, bucket * width), lt(privateRecords.bucket32, (bucket + 1) * width))!);
  const rows = await db
    .select({ tag: privateRecords.tag, bucket32: privateRecords.bucket32, record: privateRecords.record })
    .from(privateRecords)
    .where(and(eq(privateRecords.epoch, epoch), or(...ranges)));
  const byBucket = new Map<number, { tag: string; record: string }[]>(unique.map((bucket) => [bucket, []]));
  const blocks = new Map<number, number>(unique.map((bucket) => [bucket, 0]));
  for (const row of rows) {
    const bucket = Math.floor(row.bucket32 / width);
    byBucket.get(bucket)?.push({ tag: encodeBase64url(row.tag), record: encodeBase64url(row.record) });
    blocks.set(bucket, (blocks.get(bucket) ?? 0) + blocksOf(row.record.length));
  }
  return {
    epoch,
    bucket_bits: bits,
    buckets: options.buckets.map((bucket) => {
      const records = [...byBucket.get(bucket)!];
      const used = blocks.get(bucket)!;
      for (let dummy = used; dummy < paddedBlocks(used); dummy++) {
        records.push({ tag: encodeBase64url(randomBytes(TAG_BYTES)), record: encodeBase64url(randomBytes(ONE_BLOCK_RECORD_BYTES)) });
      }
      return { bucket, records: shuffle(records) };
    }),
  };
}

/** Fisher-Yates with a cryptographic source: the order of a bucket's records must not say which are dummies. */
function shuffle<T>(items: T[]): T[] {
  for (let index = items.length - 1; index > 0; index--) {
    const other = randomInt(index + 1);
    [items[index], items[other]] = [items[other]!, items[index]!];
  }
  return items;
}
