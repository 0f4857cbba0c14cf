import { and, eq, inArray, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { privateRecords } from "@/db/schema";
import { lookupCsis, serializeLookup } from "@/lib/lookup/lookup-csis";
import { bucket32Of, evaluateInput, sealRecord, tagOf } from "@mimi-discovery/msp-kit";
import { loadOprfKeys, type OprfKey } from "./oprf-keys";

const encoder = new TextEncoder();

/**
 * Serialises every change of one CSI's records with its mapping changes: publishMapping takes this same lock first.
 * Sorted, so two transactions locking several CSIs cannot wait on each other in a circle.
 */
export async function lockCsis(tx: Database, csis: readonly string[]): Promise<void> {
  for (const csi of [...new Set(csis)].sort()) await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`mapping:${csi}`}, 0))`);
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
  for (const csi of csis) {
    const result = results.get(csi)!;
    for (const key of keys) await writeOne(tx, key, csi, result.result === "none" ? undefined : serializeLookup(result));
  }
}

async function writeOne(tx: Database, key: OprfKey, csi: string, json: string | undefined): Promise<void> {
  const y = evaluateInput(key.secretKey, encoder.encode(csi));
  const tag = tagOf(y);
  if (json === undefined) {
    await tx.delete(privateRecords).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, tag)));
    return;
  }
  const record = await sealRecord(y, json);
  await tx
    .insert(privateRecords)
    .values({ epoch: key.epoch, tag, bucket32: bucket32Of(y), record })
    .onConflictDoUpdate({ target: [privateRecords.epoch, privateRecords.tag], set: { record, bucket32: bucket32Of(y) } });
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
