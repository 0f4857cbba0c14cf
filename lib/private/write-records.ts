import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { privateRecords } from "@/db/schema";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { bucket32Of, sealRecord, tagOf } from "@mimi-discovery/msp-kit";
import { loadOprfKeys, type OprfKey } from "./oprf-keys";
import { readySodium, sodiumEvaluateInput } from "./sodium-voprf";

const encoder = new TextEncoder();

/**
 * Serialises every change of one CSI's records with its mapping changes: publishMapping takes this same lock first.
 * Sorted, so two transactions locking several CSIs cannot wait on each other in a circle.
 */
export async function lockCsis(tx: Database, csis: readonly string[]): Promise<void> {
  const sorted = [...new Set(csis)].sort();
  if (sorted.length === 1) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mapping:${sorted[0]}`}, 0))`);
    return;
  }
  // One statement for many, taken in the sorted order of the subquery.
  const names = sorted.map((csi) => `mapping:${csi}`);
  await tx.execute(sql`select count(pg_advisory_xact_lock(hashtextextended(name, 0))) from (select name from unnest(array[${sql.join(names.map((name) => sql`${name}`), sql`, `)}]::text[]) as name order by name) as ordered`);
}

/**
 * Rewrites the private-lookup records of these CSIs (protocol section 7) from what a lookup answers now, inside the
 * caller's transaction, for every live OPRF key: so the record and the mapping change commit together, and a change
 * is in the answer of the very next private lookup. A CSI whose lookup is "none" loses its records. The caller holds
 * the CSIs' locks (lockCsis); the keys are read inside the transaction, so a key another instance just started to
 * build is never missed. `only` restricts the write to one key (the background build).
 */
export async function writeRecords(tx: Database, options: { sealingKey: Buffer; csis: readonly string[]; now: Date; only?: number }): Promise<void> {
  const csis = [...new Set(options.csis)];
  if (csis.length === 0) return;
  const keys = (await loadOprfKeys(tx, options.sealingKey, options.now, { refresh: true })).filter((key) => options.only === undefined || key.epoch === options.only);
  if (keys.length === 0) return;
  const results = await lookupCsis(tx, csis, options.now);
  const s = await readySodium();
  for (const key of keys) {
    const upserts: (typeof privateRecords.$inferInsert)[] = [];
    const deletes: Uint8Array[] = [];
    for (const csi of csis) {
      const result = results.get(csi)!;
      const y = sodiumEvaluateInput(s, key.secretKey, encoder.encode(csi));
      if (result.result === "none") deletes.push(tagOf(y));
      else upserts.push({ epoch: key.epoch, tag: tagOf(y), bucket32: bucket32Of(y), record: await sealRecord(y, serializeLookup(result)) });
    }
    await writeRows(tx, key, upserts, deletes);
  }
}

async function writeRows(tx: Database, key: OprfKey, upserts: (typeof privateRecords.$inferInsert)[], deletes: Uint8Array[]): Promise<void> {
  if (deletes.length > 0) await tx.delete(privateRecords).where(and(eq(privateRecords.epoch, key.epoch), inArray(privateRecords.tag, deletes)));
  if (upserts.length > 0) {
    await tx
      .insert(privateRecords)
      .values(upserts)
      .onConflictDoUpdate({ target: [privateRecords.epoch, privateRecords.tag], set: { record: sql`excluded.record`, bucket32: sql`excluded.bucket32` } });
  }
}

/** For tests and the bench: how many records a key has. */
export async function countRecords(db: Database, epochs: number[]): Promise<Map<number, number>> {
  if (epochs.length === 0) return new Map();
  const rows = await db
    .select({ epoch: privateRecords.epoch, count: sql<number>`count(*)::int` })
    .from(privateRecords)
    .where(inArray(privateRecords.epoch, epochs))
    .groupBy(privateRecords.epoch);
  return new Map(rows.map((row) => [row.epoch, row.count]));
}
