import { and, desc, eq, inArray } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog, mappings, type MappingStatus } from "@/db/schema";
import type { MappingDocument } from "@mimi-discovery/msp-kit";

export type MappingState = MappingStatus | "expired";

export type ListedMapping = {
  id: string;
  csi: string;
  seq: number;
  label: string;
  state: MappingState;
  document: MappingDocument;
  createdAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  endedReason: string | null;
};

/** The account's mappings, newest first per identifier, with the state a person understands. */
export async function listMappingsForUser(db: Database, userId: string, now: Date): Promise<ListedMapping[]> {
  const rows = await db.select().from(mappings).where(eq(mappings.userId, userId)).orderBy(mappings.csi, desc(mappings.seq));
  return rows.map((row) => ({
    id: row.id,
    csi: row.csi,
    seq: row.seq,
    label: row.label,
    state: row.status === "active" && row.expiresAt <= now ? "expired" : row.status,
    document: JSON.parse(row.document) as MappingDocument,
    createdAt: row.createdAt,
    expiresAt: row.expiresAt,
    endedAt: row.endedAt,
    endedReason: row.endedReason,
  }));
}

/** The account's own history of changes to its mappings, passkeys and identifiers. */
export async function listHistory(db: Database, userId: string, limit = 30) {
  return db
    .select({ id: auditLog.id, at: auditLog.at, action: auditLog.action, actorKind: auditLog.actorKind, subjectType: auditLog.subjectType, subjectId: auditLog.subjectId, details: auditLog.details })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.actorUserId, userId),
        inArray(auditLog.subjectType, ["mapping", "passkey", "identifier"]),
      ),
    )
    .orderBy(desc(auditLog.at))
    .limit(limit);
}

/** One stored mapping of the account, as served: the exact signed bytes plus its proof. */
export async function findOwnMapping(db: Database, userId: string, mappingId: string) {
  if (!/^[0-9a-f-]{36}$/u.test(mappingId)) return null;
  const [row] = await db
    .select({ id: mappings.id, served: mappings.served })
    .from(mappings)
    .where(and(eq(mappings.id, mappingId), eq(mappings.userId, userId)));
  return row ?? null;
}
