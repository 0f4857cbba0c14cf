import { and, count, eq, gt, sql } from "drizzle-orm";
import type { Database } from "@/db/client";
import { spentOnce } from "@/db/schema";
import { SpendStoreUnavailable, type SpendStore } from "./spend-store";

/**
 * Spent ids in `spent_once`: one INSERT … ON CONFLICT DO NOTHING, so of any number of concurrent spends of one id
 * exactly one inserts the row. An expired row no longer counts (its key is refused anyway) and is overwritten.
 */
export function createPostgresSpendStore(db: Database): SpendStore {
  const spendQuery = db
    .insert(spentOnce)
    .values({ scope: sql.placeholder("scope"), id: sql.placeholder("id"), expiresAt: sql`${sql.placeholder("expiresAt")}::timestamptz` })
    .onConflictDoUpdate({
      target: [spentOnce.scope, spentOnce.id],
      set: { expiresAt: sql`excluded.expires_at` },
      setWhere: sql`${spentOnce.expiresAt} <= now()`,
    })
    .returning({ id: spentOnce.id })
    .prepare("spent_once_spend");

  return {
    async spend(scope, id, expiresAt) {
      try {
        const rows = await spendQuery.execute({ scope, id, expiresAt: expiresAt.toISOString() });
        return rows.length === 1;
      } catch (error) {
        throw new SpendStoreUnavailable("The spent-token table could not be written", { cause: error });
      }
    },
    async count(scope) {
      try {
        const [row] = await db.select({ n: count() }).from(spentOnce).where(and(eq(spentOnce.scope, scope), gt(spentOnce.expiresAt, sql`now()`)));
        return row?.n ?? 0;
      } catch (error) {
        throw new SpendStoreUnavailable("The spent-token table could not be read", { cause: error });
      }
    },
  };
}
