import { asc, desc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { csipClaims } from "@/db/schema";

/** A CSIP's own claims, every status, numbers before domains, newest first within each. */
export async function listClaims(db: Database, csipId: string) {
  return db
    .select({
      id: csipClaims.id,
      kind: csipClaims.kind,
      value: csipClaims.value,
      status: csipClaims.status,
      createdAt: csipClaims.createdAt,
      decidedAt: csipClaims.decidedAt,
    })
    .from(csipClaims)
    .where(eq(csipClaims.csipId, csipId))
    .orderBy(asc(csipClaims.kind), asc(csipClaims.status), desc(csipClaims.createdAt));
}

export type ListedClaim = Awaited<ReturnType<typeof listClaims>>[number];
