import type { Database } from "@/db/client";
import { auditLog, type AuditEntry } from "@/db/schema";

/** Appends to the audit log; callers pass their transaction, so the entry commits with the change or not at all. */
export async function recordAudit(tx: Database, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(entry);
}
