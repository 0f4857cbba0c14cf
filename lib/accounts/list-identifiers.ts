import { asc, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers } from "@/db/schema";

export async function listIdentifiers(db: Database, userId: string) {
  return db.select().from(identifiers).where(eq(identifiers.userId, userId)).orderBy(asc(identifiers.createdAt));
}
