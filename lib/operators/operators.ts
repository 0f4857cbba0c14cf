import { and, eq } from "drizzle-orm";
import type { Database } from "@/db/client";
import { identifiers, operators } from "@/db/schema";
import { withTransaction } from "@/db/transaction";
import { recordAudit } from "@/lib/audit/record-audit";

/** Grants the operator role to an identifier (normalised URI). Idempotent. */
export async function grantOperator(db: Database, identifier: string, now: Date): Promise<boolean> {
  return withTransaction(db, async (tx) => {
    const [granted] = await tx.insert(operators).values({ identifier, grantedAt: now }).onConflictDoNothing().returning();
    if (granted) {
      await recordAudit(tx, { at: now, actorUserId: null, actorKind: "system", action: "operator.granted", subjectType: "identifier", subjectId: identifier });
    }
    return Boolean(granted);
  });
}

/** Whether the account holds, among its verified identifiers, one with the operator role. */
export async function isOperator(db: Database, userId: string): Promise<boolean> {
  const [row] = await db
    .select({ identifier: operators.identifier })
    .from(operators)
    .innerJoin(identifiers, eq(identifiers.uri, operators.identifier))
    .where(and(eq(identifiers.userId, userId)))
    .limit(1);
  return Boolean(row);
}
