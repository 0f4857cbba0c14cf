import type { Database } from "@/db/client";
import { bucketBitsFor } from "@mimi-discovery/msp-kit";
import { KEY_CACHE_MS } from "./key-policy";
import { listOprfKeys } from "./oprf-keys";
import { countRecords } from "./write-records";

export type OprfKeyEntry = { epoch: number; state: "active" | "retiring" | "building"; public_key: string; bucket_bits: number };

type Cached = { at: number; keys: OprfKeyEntry[] };
const cached = new WeakMap<Database, Cached>();

/**
 * The OPRF keys as the metadata lists them, each with the bucket_bits its record count gives (the documented rule,
 * bucketBitsFor). Counting is a scan, so an instance counts at most once per KEY_CACHE_MS; the buckets endpoint
 * accepts the published value and one less, so an instance a step behind another still agrees with clients.
 */
export async function publishedOprfKeys(db: Database, now: Date, options: { refresh?: boolean } = {}): Promise<OprfKeyEntry[]> {
  const entry = cached.get(db);
  if (!options.refresh && entry && Date.now() - entry.at <= KEY_CACHE_MS) return entry.keys;
  const keys = await listOprfKeys(db, now);
  const counts = await countRecords(db, keys.map((key) => key.epoch));
  const result = keys.map((key) => ({ epoch: key.epoch, state: key.state, public_key: key.publicKey, bucket_bits: bucketBitsFor(counts.get(key.epoch) ?? 0) }));
  cached.set(db, { at: Date.now(), keys: result });
  return result;
}

export function forgetPublishedOprfKeys(db: Database): void {
  cached.delete(db);
}
