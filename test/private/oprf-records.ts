import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { privateRecords } from "@/db/schema";
import { loadOprfKeys } from "@/lib/private/oprf-keys";
import { evaluateInput, openRecord, tagOf } from "@mimi-discovery/msp-kit";
import { testKeys } from "@/test/support/otp-harness";

/** What the DP stores for a CSI under each live OPRF key, opened: for tests that a write path rewrote it. */
export async function recordsOf(db: Database, csi: string): Promise<Map<number, { result: string; ids: string[] } | undefined>> {
  const keys = await loadOprfKeys(db, testKeys.sealing, new Date(), { refresh: true });
  const out = new Map<number, { result: string; ids: string[] } | undefined>();
  for (const key of keys) {
    const y = evaluateInput(key.secretKey, new TextEncoder().encode(csi));
    const [row] = await db.select().from(privateRecords).where(and(eq(privateRecords.epoch, key.epoch), eq(privateRecords.tag, tagOf(y))));
    if (!row) {
      out.set(key.epoch, undefined);
      continue;
    }
    const opened = (await openRecord(y, row.record)) as { result: string; mappings: { id: string }[] };
    out.set(key.epoch, { result: opened.result, ids: opened.mappings.map((mapping) => mapping.id) });
  }
  return out;
}

/** The one active key's record of a CSI. */
export async function activeRecordOf(db: Database, csi: string) {
  const keys = await loadOprfKeys(db, testKeys.sealing, new Date(), { refresh: true });
  const active = keys.find((key) => key.state === "active");
  if (!active) throw new Error("no active OPRF key");
  return (await recordsOf(db, csi)).get(active.epoch);
}
