import { desc } from "drizzle-orm";
import type { Database } from "@/db/client";
import { auditLog } from "@/db/schema";

export async function listAuditLog(db: Database, limit = 200) {
  return db.select().from(auditLog).orderBy(desc(auditLog.at)).limit(limit);
}
