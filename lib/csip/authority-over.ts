import { and, eq, isNull } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csipClaims, csips, portRecords } from "@/db/schema";
import { authorityFor, type Authority } from "./authority";

/** Which CSIP has authority over one CSI now, from the approved claims of live CSIPs and the CSI's port records. */
export async function authorityOver(db: Database, csi: string): Promise<Authority> {
  const claims = await db
    .select({ csipId: csipClaims.csipId, kind: csipClaims.kind, value: csipClaims.value })
    .from(csipClaims)
    .innerJoin(csips, eq(csips.id, csipClaims.csipId))
    .where(and(eq(csipClaims.status, "approved"), isNull(csips.deletedAt)));
  const ports = await db
    .select({ csi: portRecords.csi, fromCsipId: portRecords.fromCsipId, toCsipId: portRecords.toCsipId, at: portRecords.at })
    .from(portRecords)
    .where(eq(portRecords.csi, csi));
  return authorityFor(csi, claims, ports);
}
