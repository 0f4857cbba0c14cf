import { and, asc, isNull, ne } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csips } from "@/db/schema";

/**
 * Every other live CSIP, to name the receiver of a ported-out number. Which telcos and email providers take part
 * is not a secret (their names are on every port they receive), so any CSIP admin may see the list.
 */
export async function listOtherCsips(db: Database, csipId: string) {
  return db
    .select({ id: csips.id, name: csips.name })
    .from(csips)
    .where(and(ne(csips.id, csipId), isNull(csips.deletedAt)))
    .orderBy(asc(csips.name));
}
