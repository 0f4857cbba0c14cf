import type { Database } from "./client";
import { openEffects } from "./after-commit";
import { isRetryableTransactionError } from "./errors";

const MAX_ATTEMPTS = 4;

/**
 * Runs `work` in one transaction, retrying a bounded number of times on serialization failures and deadlocks
 * (40001, 40P01). `work` may run more than once, so it must not have effects outside the database: it registers
 * them with afterCommit, and they run once, after the attempt that commits.
 */
export async function withTransaction<T>(db: Database, work: (tx: Database) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      let runEffects = () => {};
      const result = await db.transaction((tx) => {
        runEffects = openEffects(tx as unknown as Database);
        return work(tx as unknown as Database);
      });
      runEffects();
      return result;
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableTransactionError(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
