import { and, eq, inArray, lte, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { mappings } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { lockCsis, writeRecords } from "./write-records";

const CSIS_PER_RUN = 200;

/**
 * Expiry is a time, not a write, so this job makes it one (server.ts, every minute): the CSIs of active mappings that
 * expired and are still in a record get their records rewritten without them, and those mappings are marked as
 * recorded. Until it runs, a client drops an expired mapping anyway (the verifier checks `expires`).
 */
export async function recordExpiries(db: Database, sealingKey: Buffer, now: Date): Promise<number> {
  const due = await db
    .selectDistinct({ csi: mappings.csi })
    .from(mappings)
    .where(and(eq(mappings.status, "active"), sql`not ${mappings.expiryRecorded}`, lte(mappings.expiresAt, now)))
    .limit(CSIS_PER_RUN);
  const csis = due.map((row) => row.csi);
  if (csis.length === 0) return 0;
  await withTransaction(db, async (tx) => {
    await lockCsis(tx, csis);
    await writeRecords(tx, { sealingKey, csis, now });
    await tx
      .update(mappings)
      .set({ expiryRecorded: true })
      .where(and(inArray(mappings.csi, csis), eq(mappings.status, "active"), sql`not ${mappings.expiryRecorded}`, lte(mappings.expiresAt, now)));
  });
  return csis.length;
}
