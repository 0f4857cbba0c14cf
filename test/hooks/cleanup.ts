import { and, eq, exists, inArray } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "@/db/index";
import { identifiers, mappings, sessions, tombstones, users } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { hookAnswer, readHookBody } from "./hook-body";

const body = z.strictObject({ userIds: z.array(z.uuid()).max(100) });

/**
 * Deletes the accounts a test made, and by the schema's cascades what hangs off them, so tests leave no one behind.
 * A removed mapping's signed tombstone is a permanent record, so an account that has one keeps its rows; it only
 * loses its identifiers and sessions, which frees the identifiers for later tests and leaves nobody signed in.
 */
export async function cleanUp(request: Request): Promise<Response> {
  const parsed = await readHookBody(request, body);
  if (!parsed.ok) return parsed.response;
  const { userIds } = parsed.data;
  if (userIds.length === 0) return hookAnswer(200, { deleted: 0, kept: 0 });
  const outcome = await withTransaction(getDb(), async (tx) => {
    const kept = (
      await tx
        .selectDistinct({ id: mappings.userId })
        .from(mappings)
        .where(and(inArray(mappings.userId, userIds), exists(tx.select().from(tombstones).where(eq(tombstones.mappingId, mappings.id)))))
    ).map((row) => row.id);
    const deletable = userIds.filter((id) => !kept.includes(id));
    if (kept.length > 0) {
      await tx.delete(identifiers).where(inArray(identifiers.userId, kept));
      await tx.delete(sessions).where(inArray(sessions.userId, kept));
    }
    const deleted = deletable.length > 0 ? await tx.delete(users).where(inArray(users.id, deletable)).returning({ id: users.id }) : [];
    return { deleted: deleted.length, kept: kept.length };
  });
  return hookAnswer(200, outcome);
}
