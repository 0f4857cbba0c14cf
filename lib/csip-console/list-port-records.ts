import { desc, eq, or } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Database } from "@/db/client";
import { csips, portRecords } from "@/db/schema";

/**
 * The latest ports this CSIP took part in, as donor or as receiver, with the other CSIP's name. The numbers are the
 * CSIP's own (it had or has authority over them), so showing them tells it nothing about anyone else's subscribers.
 */
export async function listPortRecords(db: Database, csipId: string, limit = 100) {
  const from = alias(csips, "from_csip");
  const to = alias(csips, "to_csip");
  const rows = await db
    .select({
      id: portRecords.id,
      csi: portRecords.csi,
      at: portRecords.at,
      fromCsipId: portRecords.fromCsipId,
      fromName: from.name,
      toCsipId: portRecords.toCsipId,
      toName: to.name,
    })
    .from(portRecords)
    .leftJoin(from, eq(from.id, portRecords.fromCsipId))
    .leftJoin(to, eq(to.id, portRecords.toCsipId))
    .where(or(eq(portRecords.fromCsipId, csipId), eq(portRecords.toCsipId, csipId)))
    .orderBy(desc(portRecords.at))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    csi: row.csi,
    at: row.at,
    direction: row.fromCsipId === csipId ? ("out" as const) : ("in" as const),
    otherName: row.fromCsipId === csipId ? row.toName : row.fromName,
  }));
}
